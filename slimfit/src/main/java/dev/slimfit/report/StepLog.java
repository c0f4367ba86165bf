package dev.slimfit.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.engine.Category;
import dev.slimfit.train.StepRecord;
import dev.slimfit.train.TrainingListener;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** One JSON line per step (loss, lr, frozen tensors, ledger live/peak per category, step time) and per evaluation. */
public final class StepLog implements TrainingListener, AutoCloseable {

    private final ObjectMapper mapper = new ObjectMapper();
    private final BufferedWriter out;

    public StepLog(Path file) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    @Override
    public void onStep(StepRecord r) {
        ObjectNode line = mapper.createObjectNode();
        line.put("step", r.step());
        line.put("loss", r.loss());
        line.put("lr", r.learningRate());
        line.put("frozen", r.frozen());
        line.put("candidates", r.candidates());
        line.put("ms", Math.round(r.millis() * 10) / 10.0);
        ObjectNode live = line.putObject("live");
        ObjectNode peak = line.putObject("peak");
        for (Category c : Category.values()) {
            live.put(c.name().toLowerCase(Locale.ROOT), r.liveBytes()[c.ordinal()]);
            peak.put(c.name().toLowerCase(Locale.ROOT), r.peakBytes()[c.ordinal()]);
        }
        live.put("total", r.liveTotal());
        peak.put("total", r.peakTotal());
        write(line);
    }

    @Override
    public void onEvaluation(int step, Map<String, Double> metrics, double seconds) {
        ObjectNode line = mapper.createObjectNode();
        line.put("eval_after_step", step);
        metrics.forEach(line::put);
        line.put("seconds", seconds);
        write(line);
    }

    private void write(ObjectNode line) {
        try {
            out.write(mapper.writeValueAsString(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

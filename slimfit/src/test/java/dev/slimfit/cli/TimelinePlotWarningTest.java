package dev.slimfit.cli;

import dev.slimfit.engine.CpuDevice;
import dev.slimfit.kernels.cpu.CpuKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * finetune's memory plot comes after the run's report and cannot lose it: a plot that cannot be written is one
 * warning line naming the file and the reason; one that can is written.
 */
class TimelinePlotWarningTest {

    @TempDir
    Path folder;

    @Test
    void aPlotThatCannotBeWrittenIsAWarningNamingTheFile() {
        Path png = folder.resolve("no-such-folder").resolve("memory-timeline.png");
        String printed = printedBy(() -> FinetuneRunCommand.writeTimelinePlot(
                new CpuDevice("plot-test", CpuKernels.defaultInstance()), "title", png, "[full]"));
        assertTrue(printed.startsWith("[full] warning: memory-timeline.png not written ("), printed);
        assertFalse(Files.exists(png));
    }

    @Test
    void aPlotThatCanBeWrittenIsWrittenWithoutAWarning() {
        Path png = folder.resolve("memory-timeline.png");
        String printed = printedBy(() -> FinetuneRunCommand.writeTimelinePlot(
                new CpuDevice("plot-test", CpuKernels.defaultInstance()), "title", png, "[full]"));
        assertTrue(printed.isEmpty(), printed);
        assertTrue(Files.isRegularFile(png), "the plot was written");
    }

    private static String printedBy(Runnable action) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

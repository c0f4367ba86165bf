package dev.slimfit.cli;

import dev.slimfit.engine.Device;
import dev.slimfit.model.bert.BertForSequenceClassification;
import dev.slimfit.train.data.ImdbSplits;
import dev.slimfit.train.task.TextClassificationTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Evaluates a fine-tuned checkpoint folder (e.g. {@code out/finetune/slimfit/model}) on a task's evaluation set. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a fine-tuned checkpoint.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "checkpoint folder (config.json, model.safetensors, "
            + "tokenizer.json or vocab.txt), e.g. out/finetune/full/model")
    String model;
    @Option(names = "--task", defaultValue = "imdb", description = "imdb (default: ${DEFAULT-VALUE})")
    String task;
    @Option(names = "--eval-examples", defaultValue = "2000")
    int evalExamples;
    @Option(names = "--seq", defaultValue = "128")
    int seq;
    @Option(names = "--batch", defaultValue = "64")
    int batch;
    @Option(names = "--device", defaultValue = "cpu")
    String device;

    @Override
    public Integer call() throws Exception {
        if (!task.equals("imdb")) {
            throw new IllegalArgumentException("unknown task '" + task + "'; expected imdb");
        }
        if (model.equals("minilm")) {
            throw new IllegalArgumentException("--model minilm has no classification head; evaluate a fine-tuned "
                    + "checkpoint folder");
        }
        Validation.positive("--batch", batch);
        Device dev = DeviceChoice.resolve(device);
        TextClassificationTask.Split[] splits = ImdbSplits.load(evalExamples);
        PretrainedBert.Loaded<BertForSequenceClassification> loaded = PretrainedBert.classifier(model, dev, 2, 0,
                false);
        if (!loaded.notLoaded().isEmpty()) {
            loaded.model().close();
            throw new IllegalArgumentException("checkpoint " + model + " lacks " + loaded.notLoaded()
                    + ": it is not a fine-tuned classifier");
        }
        try (TextClassificationTask t = new TextClassificationTask(loaded.model(), loaded.tokenizer(), splits[0],
                splits[1], seq, List.of(), loaded.description())) {
            Map<String, Double> metrics = t.evaluate(batch, done -> { });
            StringBuilder sb = new StringBuilder();
            metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s=%.4f", k, v)));
            System.out.println("eval " + model + " on " + splits[1].size() + " IMDB reviews:" + sb);
        }
        return 0;
    }
}

package dev.slimfit.train.task;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.bert.BertForQuestionAnswering;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import dev.slimfit.train.MethodOptions;
import dev.slimfit.train.Mode;
import dev.slimfit.train.StepRecord;
import dev.slimfit.train.Trainer;
import dev.slimfit.train.TrainerOptions;
import dev.slimfit.train.TrainingListener;
import dev.slimfit.train.data.squad.SquadAnswer;
import dev.slimfit.train.data.squad.SquadDataset;
import dev.slimfit.train.data.squad.SquadExample;
import dev.slimfit.train.data.squad.SquadVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny BERT learns a SQuAD-format task whose answer is the word "king" at a random place in a random context (windows
 * without it are labelled [CLS]), in full and slimfit modes through the trainer: the loss falls, the official scores of the (training) questions rise to near perfect in
 * full mode, and the ledger holds nothing once task and trainer are closed.
 */
class QuestionAnsweringTaskTest {

    private static final String[] WORDS = {"river", "city", "flows", "through", "north", "south", "bridge", "old",
        "new", "park", "church", "tower", "queen", "built", "year", "stone", "gold"};
    private static final int QUESTIONS = 16;
    /** With the question, more tokens than one window holds: each context gives two features. */
    private static final int CONTEXT_WORDS = 20;
    private static final int MAX_LENGTH = 24;
    private static final int DOC_STRIDE = 6;
    private static final int STEPS = 200;

    private static SquadDataset dataset(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SquadExample> examples = new ArrayList<>();
        for (int q = 0; q < QUESTIONS; q++) {
            List<String> words = new ArrayList<>();
            for (int w = 0; w < CONTEXT_WORDS; w++) {
                words.add(WORDS[random.nextInt(WORDS.length)]);
            }
            int at = random.nextInt(words.size() - 1);
            words.add(at, "king");
            String context = String.join(" ", words);
            int start = at == 0 ? 0 : String.join(" ", words.subList(0, at)).length() + 1;
            examples.add(new SquadExample("q" + q, "t", "who rules?", context,
                    List.of(new SquadAnswer("king", start)), false, List.of()));
        }
        return new SquadDataset(Path.of("synthetic-v1.1.json"), SquadVersion.V1_1, examples);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"FULL", "SLIMFIT"})
    void aTinyBertLearnsToPointAtTheAnswer(Mode mode) throws IOException {
        Device device = Devices.cpu();
        long before = device.ledger().liveTotal();
        WordPieceTokenizer tokenizer = MiniLmAssets.tokenizer();
        BertConfig config = new BertConfig(tokenizer.vocabSize(), 32, 2, 4, 64, "gelu", 0f, 0f, MAX_LENGTH, 2,
                1e-12f, 0.02, 2);
        SquadDataset data = dataset(5);
        BertForQuestionAnswering model = new BertForQuestionAnswering(device, config, 3, true);
        model.initialize(3);
        double firstLoss;
        double lastLoss = 0;
        Map<String, Double> metrics;
        try (QuestionAnsweringTask task = new QuestionAnsweringTask(model, tokenizer, data, data, QUESTIONS,
                MAX_LENGTH, DOC_STRIDE, List.of("qa_outputs.weight", "qa_outputs.bias"), "tiny");
             Trainer trainer = new Trainer(task, new TrainerOptions(STEPS, 8, 3e-3f, 0.1, 0, 8, 1),
                     MethodOptions.of(mode, 0.5), new TrainingListener() { })) {
            assertTrue(task.trainSize() > QUESTIONS, "contexts longer than a window give several features each");
            model.train(true);
            SplittableRandom order = new SplittableRandom(9);
            firstLoss = Double.NaN;
            for (int step = 0; step < STEPS; step++) {
                int[] batch = order.ints(8, 0, task.trainSize()).toArray();
                StepRecord record = trainer.trainStep(device.ledger(), batch);
                if (step == 0) {
                    firstLoss = record.loss();
                }
                lastLoss = step >= STEPS - 10 ? lastLoss + record.loss() / 10 : lastLoss;
            }
            metrics = task.evaluate(8, done -> { });
        }
        assertEquals(before, device.ledger().liveTotal(), "ledger after closing the task and trainer");
        assertTrue(lastLoss < 0.6 * firstLoss, mode + ": loss " + firstLoss + " -> " + lastLoss);
        assertTrue(metrics.get("f1") >= metrics.get("exact"), metrics.toString());
        if (mode == Mode.FULL) {
            assertTrue(metrics.get("exact") >= 0.75, "exact match on the training questions: " + metrics);
        }
    }
}

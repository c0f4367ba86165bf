package dev.slimfit.train;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.model.nn.Init;
import dev.slimfit.train.task.SyntheticBertTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stopped after k steps, saved, and resumed in a fresh model and trainer reproduces the uninterrupted run bit
 * for bit (slimfit+: ILS, compression, dropout, released optimizer state all in play).
 */
class ResumeTest {

    private static final int STEPS = 8;
    private static final int STOP_AT = 5;

    private static BertConfig config() {
        return new BertConfig(60, 32, 2, 4, 48, "gelu", 0.1f, 0.1f, 32, 2, 1e-12f, 0.02, 2);
    }

    private static MethodOptions method() {
        // state released after 2 frozen steps, so that released and restored states both occur
        return new MethodOptions(true, 0.7, true, true, true, 2, true);
    }

    private static Map<String, float[]> weights(SyntheticBertTask task) {
        Map<String, float[]> out = new LinkedHashMap<>();
        task.model().namedParameters().forEach((name, t) -> out.put(name, t.toFloatArray()));
        return out;
    }

    private static Trainer trainer(SyntheticBertTask task) {
        return new Trainer(task, new TrainerOptions(STEPS, 4, 2e-3f, 0.25, 0, 1, 99), method(),
                new TrainingListener() { });
    }

    @Test
    void resumedRunReproducesTheUninterruptedOne(@TempDir Path dir) throws IOException {
        Device device = Devices.cpu();
        Map<String, float[]> uninterrupted;
        try (SyntheticBertTask task = new SyntheticBertTask(device, config(), 7, 10, true);
             Trainer trainer = trainer(task)) {
            task.model().train(true);
            for (int i = 0; i < STEPS; i++) {
                trainer.trainStep(device.ledger(), new int[] {4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3});
            }
            uninterrupted = weights(task);
        }
        Path checkpoint = dir.resolve("checkpoint-" + STOP_AT);
        try (SyntheticBertTask task = new SyntheticBertTask(device, config(), 7, 10, true);
             Trainer trainer = trainer(task)) {
            task.model().train(true);
            for (int i = 0; i < STOP_AT; i++) {
                trainer.trainStep(device.ledger(), new int[] {4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3});
            }
            TrainingCheckpoint.save(trainer, checkpoint);
        }
        assertTrue(Files.isRegularFile(checkpoint.resolve(TrainingCheckpoint.STATE)));
        assertFalse(Files.exists(dir.resolve("checkpoint-" + STOP_AT + ".partial")));
        Map<String, float[]> resumed;
        try (SyntheticBertTask task = new SyntheticBertTask(device, config(), 7, 10, true)) {
            // scramble the fresh model: every weight must come from the checkpoint
            task.model().parameters().forEach(t -> Init.constant(t, 0.5f));
            task.model().train(true);
            try (Trainer trainer = trainer(task)) {
                TrainingCheckpoint.restore(trainer, checkpoint);
                assertEquals(STOP_AT, trainer.step());
                for (int i = STOP_AT; i < STEPS; i++) {
                    trainer.trainStep(device.ledger(), new int[] {4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3});
                }
                resumed = weights(task);
            }
        }
        assertEquals(uninterrupted.keySet(), resumed.keySet());
        for (String name : uninterrupted.keySet()) {
            assertArrayEquals(uninterrupted.get(name), resumed.get(name), name + " differs after resume");
        }
    }
}

package dev.slimfit.train;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.engine.LedgerSnapshot;
import dev.slimfit.engine.MemoryLedger;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.train.freeze.FreezePlan;
import dev.slimfit.train.memory.BertActivationModel;
import dev.slimfit.train.memory.LedgerBreakdown;
import dev.slimfit.train.task.SyntheticBertTask;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each mode keeps, step by step, on a small BERT: a frozen tensor never gets a gradient buffer, and the
 * activation bytes of every encoder layer equal {@link BertActivationModel}'s analytic count.
 */
class TrainerMemoryTest {

    private static final int BATCH = 3;
    private static final int SEQ = 12;
    private static final int STEPS = 6;

    private static BertConfig config() {
        // 2 layers, hidden 40 (4 heads of 10), FFN 72 (top-k keeps ⌈0.1·40⌉ = 4 per row), dropout on
        return new BertConfig(60, 40, 2, 4, 72, "gelu", 0.1f, 0.1f, 32, 2, 1e-12f, 0.02, 2);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void frozenTensorsHaveNoGradientAndLayersKeepTheAnalyticBytes(Mode mode) {
        Device device = Devices.cpu();
        MemoryLedger ledger = device.ledger();
        BertConfig config = config();
        MethodOptions method = MethodOptions.of(mode, 0.6);
        long ledgerAtStart = ledger.liveTotal();
        try (SyntheticBertTask task = new SyntheticBertTask(device, config, 17, SEQ,
                method.attentionDropoutOnValues());
             Trainer trainer = new Trainer(task, new TrainerOptions(STEPS, BATCH, 1e-3f, 0, 0, 1, 5), method,
                     new TrainingListener() { })) {
            task.model().train(true);
            Set<String> everFrozen = new HashSet<>();
            for (int step = 0; step < STEPS; step++) {
                trainer.trainStep(ledger, new int[] {3 * step, 3 * step + 1, 3 * step + 2});
                FreezePlan plan = trainer.lastPlan();
                LedgerSnapshot snapshot = ledger.snapshot();
                Set<String> gradientOwners = new HashSet<>();
                for (LedgerSnapshot.OwnerUsage usage : snapshot.owners(Category.GRADIENT)) {
                    gradientOwners.add(usage.owner());
                }
                for (String frozen : plan.frozen()) {
                    assertFalse(gradientOwners.contains(frozen + ".grad"),
                            mode + " step " + step + ": frozen " + frozen + " had a gradient buffer");
                }
                for (String trained : plan.trained()) {
                    assertTrue(gradientOwners.contains(trained + ".grad"),
                            mode + " step " + step + ": trained " + trained + " had no gradient buffer");
                }
                everFrozen.addAll(plan.frozen());
                Set<String> trainedNames = new HashSet<>(task.model().namedParameters().keySet());
                trainedNames.removeAll(plan.frozen());
                Map<String, Long> actual = LedgerBreakdown.byLayer(snapshot, Category.ACTIVATION);
                boolean probabilitiesDropped = !method.attentionDropoutOnValues()
                        && config.attentionProbsDropoutProb() > 0;
                for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
                    long expected = BertActivationModel.layerBytes(config, BATCH, SEQ,
                            "bert.encoder.layer." + layer, trainedNames, method.compression(), probabilitiesDropped);
                    assertEquals(expected, actual.get(String.format("layer.%02d", layer)),
                            mode + " step " + step + " layer " + layer + " (frozen: " + plan.frozen() + ")");
                }
                assertEquals(BertActivationModel.outsideLayerBytes(config, BATCH, SEQ, trainedNames,
                        method.compression()), actual.get("other"),
                        mode + " step " + step + " outside the layers (frozen: " + plan.frozen() + ")");
            }
            assertEquals(mode != Mode.FULL, !everFrozen.isEmpty());
        }
        assertEquals(ledgerAtStart, ledger.liveTotal(), "closing the trainer and the model returns every byte");
    }
}

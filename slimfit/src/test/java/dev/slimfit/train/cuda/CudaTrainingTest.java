package dev.slimfit.train.cuda;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.CpuDevice;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.kernels.cpu.CpuKernels;
import dev.slimfit.kernels.cuda.CudaAvailability;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.train.MethodOptions;
import dev.slimfit.train.Mode;
import dev.slimfit.train.StepRecord;
import dev.slimfit.train.Trainer;
import dev.slimfit.train.TrainerOptions;
import dev.slimfit.train.TrainingListener;
import dev.slimfit.train.task.SyntheticBertTask;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A tiny BERT trained for a few steps on the GPU and on the CPU from the same seed, in every mode: the losses agree
 * step by step (same initial weights, same data, same dropout masks from the shared Philox stream, float32 on both
 * sides), and the ledger's peak bytes per category are identical, since what each op allocates and saves does not
 * depend on the device. Skipped, with the reason, where CUDA is unavailable.
 */
class CudaTrainingTest {

    private static final int BATCH = 4;
    private static final int SEQ = 16;
    private static final int STEPS = 4;
    /** Per-step loss agreement between float32 devices after a few AdamW steps. */
    private static final double LOSS_TOLERANCE = 2e-3;

    private static BertConfig config() {
        // 2 layers, hidden 40 (4 heads of 10), FFN 72, dropout on
        return new BertConfig(60, 40, 2, 4, 72, "gelu", 0.1f, 0.1f, 32, 2, 1e-12f, 0.02, 2);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void cudaTrainsLikeTheCpuAndCountsTheSameBytes(Mode mode) {
        Assumptions.assumeTrue(Devices.cudaAvailable(), "CUDA training test skipped: "
                + CudaAvailability.get().describe());
        List<StepRecord> gpu = train(Devices.cuda(), mode);
        List<StepRecord> cpu = train(new CpuDevice("cpu-for-cuda-comparison", CpuKernels.defaultInstance()), mode);
        for (int step = 0; step < STEPS; step++) {
            double expected = cpu.get(step).loss();
            assertEquals(expected, gpu.get(step).loss(), LOSS_TOLERANCE * Math.abs(expected),
                    mode + " loss at step " + (step + 1));
            assertArrayEquals(cpu.get(step).peakBytes(), gpu.get(step).peakBytes(),
                    mode + " ledger peaks by category " + List.of(Category.values()) + " at step " + (step + 1));
        }
    }

    private static List<StepRecord> train(Device device, Mode mode) {
        long start = device.ledger().liveTotal();
        MethodOptions method = MethodOptions.of(mode, 0.6);
        List<StepRecord> records = new ArrayList<>();
        try (SyntheticBertTask task = new SyntheticBertTask(device, config(), 23, SEQ,
                method.attentionDropoutOnValues())) {
            Trainer trainer = new Trainer(task, new TrainerOptions(STEPS, BATCH, 1e-3f, 0, 0, 1, 9), method,
                    new TrainingListener() { });
            task.model().train(true);
            for (int step = 0; step < STEPS; step++) {
                int[] indices = new int[BATCH];
                for (int i = 0; i < BATCH; i++) {
                    indices[i] = BATCH * step + i;
                }
                records.add(trainer.trainStep(device.ledger(), indices));
            }
            trainer.optimizer().close();
        }
        assertEquals(start, device.ledger().liveTotal(), device.name() + " " + mode + " left bytes in the ledger");
        return records;
    }
}

package dev.slimfit.cli;

import dev.slimfit.engine.Devices;
import dev.slimfit.kernels.cuda.CudaAvailability;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --device}: known names resolve; {@code cuda} without a usable GPU is one line naming the reason. */
class DeviceChoiceTest {

    @Test
    void unknownDeviceNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceChoice.resolve("tpu"));
        assertTrue(e.getMessage().contains("cpu, ref or cuda"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceChoice.validate("tpu"));
        assertEquals("cpu", DeviceChoice.resolve("cpu").name());
    }

    @Test
    void cudaWithoutAGpuIsTheAvailabilityReason() {
        Assumptions.assumeFalse(Devices.cudaAvailable(), "CUDA is available here");
        String reason = CudaAvailability.get().describe();
        assertEquals(reason, assertThrows(IllegalStateException.class, () -> DeviceChoice.resolve("cuda"))
                .getMessage());
        assertEquals(reason, assertThrows(IllegalStateException.class, () -> DeviceChoice.validate("cuda"))
                .getMessage());
    }

    @Test
    void memoryCommandOnCudaWithoutAGpuFailsWithOneLine() {
        Assumptions.assumeFalse(Devices.cudaAvailable(), "CUDA is available here");
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = SlimFitCli.execute("memory", "--device", "cuda", "--modes", "full", "--config", "minilm");
        } finally {
            System.setErr(saved);
        }
        String err = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(SlimFitCli.FAILURE, exit, err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertEquals("error: " + CudaAvailability.get().describe(), err);
    }
}

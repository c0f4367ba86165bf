package dev.slimfit.train.memory;

import dev.slimfit.engine.Device;
import dev.slimfit.engine.Devices;
import dev.slimfit.model.bert.BertConfig;
import dev.slimfit.train.MethodOptions;
import dev.slimfit.train.Mode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateForBudgetTest {

    private static final BertConfig CONFIG = new BertConfig(500, 32, 2, 4, 64, "gelu", 0.1f, 0.1f, 64, 2, 1e-12f,
            0.02, 2);

    @Test
    void choosesTheLowestRateWhoseMeasuredPeakFits() {
        Device device = Devices.cpu();
        long start = device.ledger().liveTotal();
        MethodOptions method = MethodOptions.of(Mode.SLIMFIT_PLUS, 0);
        long at90 = RateForBudget.measure(device, CONFIG, 8, 32, MethodOptions.withRate(method, 0.9), 3);
        long at0 = RateForBudget.measure(device, CONFIG, 8, 32, MethodOptions.withRate(method, 0), 3);
        assertTrue(at90 < at0, "freezing must save memory: " + at90 + " vs " + at0);
        RateForBudget.Choice choice = RateForBudget.choose(device, CONFIG, 8, 32, method, at90, 3, line -> { });
        assertTrue(choice.rate() <= 0.9, "rate " + choice.rate());
        RateForBudget.Probe last = choice.probes().getLast();
        assertEquals(choice.rate(), last.rate());
        assertTrue(last.peakBytes() <= at90);
        for (RateForBudget.Probe probe : choice.probes().subList(0, choice.probes().size() - 1)) {
            assertTrue(probe.peakBytes() > at90, "a lower rate already fitted: " + probe);
        }
        IllegalArgumentException tooSmall = assertThrows(IllegalArgumentException.class,
                () -> RateForBudget.choose(device, CONFIG, 8, 32, method, at90 / 10, 3, line -> { }));
        assertTrue(tooSmall.getMessage().contains("too small"), tooSmall.getMessage());
        assertEquals(start, device.ledger().liveTotal(), "probes free everything");
    }
}

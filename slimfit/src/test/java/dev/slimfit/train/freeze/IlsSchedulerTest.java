package dev.slimfit.train.freeze;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IlsSchedulerTest {

    private static List<String> names(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("t" + i);
        }
        return out;
    }

    /**
     * Replays a scripted metric sequence and checks every iteration against the rule written out independently:
     * keep a table of last-known metrics, sort ascending (ties by name order), freeze the first ⌊r·t⌋, refresh
     * only the trained.
     */
    @Test
    void picksExactlyWhatTheReferenceRulePicksOnAScriptedSequence() {
        List<String> candidates = names(10);
        double rate = 0.75;
        IlsScheduler scheduler = new IlsScheduler(candidates, rate, IlsScheduler.BERT_INITIAL_METRIC_SCALE, 11,
                List.of());
        Map<String, Double> table = new HashMap<>();
        for (String c : candidates) {
            table.put(c, scheduler.metric(c));
            assertTrue(scheduler.metric(c) >= 0 && scheduler.metric(c) < IlsScheduler.BERT_INITIAL_METRIC_SCALE);
        }
        SplittableRandom script = new SplittableRandom(5);
        Set<String> everTrained = new HashSet<>();
        for (int iteration = 0; iteration < 40; iteration++) {
            List<String> sorted = new ArrayList<>(candidates);
            sorted.sort(Comparator.comparingDouble((String c) -> table.get(c))
                    .thenComparingInt(candidates::indexOf));
            int frozenCount = (int) Math.floor(rate * candidates.size());
            Set<String> expectedFrozen = new HashSet<>(sorted.subList(0, frozenCount));
            FreezePlan plan = scheduler.plan();
            assertEquals(expectedFrozen, new HashSet<>(plan.frozen()), "iteration " + iteration);
            assertEquals(candidates.size() - frozenCount, plan.trained().size());
            Map<String, Double> changes = new HashMap<>();
            for (String t : plan.trained()) {
                // scripted metrics with deliberate ties
                double value = script.nextInt(4) * 1e-4;
                changes.put(t, value);
                table.put(t, value);
                everTrained.add(t);
            }
            scheduler.update(changes);
            for (String f : plan.frozen()) {
                assertEquals(table.get(f), scheduler.metric(f), "frozen tensors keep their stale metric");
            }
        }
        assertEquals(new HashSet<>(candidates), everTrained, "the huge random start visits every candidate");
    }

    @Test
    void nonFiniteMetricsSortLastAndAreNeverFrozen() {
        IlsScheduler scheduler = new IlsScheduler(names(4), 0.5, 1, 3, List.of());
        scheduler.update(Map.of("t0", Double.NaN, "t1", Double.POSITIVE_INFINITY, "t2", 0.5, "t3", 0.1));
        FreezePlan plan = scheduler.plan();
        assertEquals(List.of("t3", "t2"), plan.frozen());
        assertFalse(plan.frozen().contains("t0"));
    }

    @Test
    void alwaysTrainedTensorsAreOutsideTheSchedule() {
        IlsScheduler scheduler = new IlsScheduler(names(5), 0.9, 1, 3, List.of("t4"));
        assertEquals(4, scheduler.candidates().size());
        assertEquals(3, scheduler.frozenCount()); // ⌊0.9·4⌋
        for (int i = 0; i < 5; i++) {
            FreezePlan plan = scheduler.plan();
            assertTrue(plan.trained().contains("t4"));
            assertFalse(plan.frozen().contains("t4"));
        }
    }

    @Test
    void rateOutsideTheUnitIntervalIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new IlsScheduler(names(3), 1.0, 1, 1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new IlsScheduler(names(3), -0.1, 1, 1, List.of()));
    }
}

package dev.slimfit.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryLedgerTest {

    @Test
    void countsLiveAndPeakPerCategoryAndTotal() {
        MemoryLedger ledger = new MemoryLedger("test");
        ledger.allocated(Category.PARAMETER, "w", 1000);
        ledger.allocated(Category.WORKSPACE, "tmp", 300);
        ledger.freed(Category.WORKSPACE, "tmp", 300);
        ledger.allocated(Category.ACTIVATION, "act", 200);
        assertEquals(1000, ledger.live(Category.PARAMETER));
        assertEquals(0, ledger.live(Category.WORKSPACE));
        assertEquals(300, ledger.peak(Category.WORKSPACE));
        assertEquals(200, ledger.peak(Category.ACTIVATION));
        assertEquals(1200, ledger.liveTotal());
        // the total peak is the peak of the sum (1300), not the sum of the peaks (1500)
        assertEquals(1300, ledger.peakTotal());
        LedgerSnapshot snapshot = ledger.snapshot();
        assertEquals(300, snapshot.owners(Category.WORKSPACE).getFirst().peak());
        assertEquals(0, snapshot.owners(Category.WORKSPACE).getFirst().live());
        assertTrue(snapshot.table().contains("PARAMETER"));
    }

    @Test
    void movesKeepTheTotalAndResetStartsANewWindow() {
        MemoryLedger ledger = new MemoryLedger("test");
        ledger.allocated(Category.WORKSPACE, "x", 64);
        ledger.moved(Category.WORKSPACE, "x", Category.ACTIVATION, "saved x", 64);
        assertEquals(0, ledger.live(Category.WORKSPACE));
        assertEquals(64, ledger.live(Category.ACTIVATION));
        assertEquals(64, ledger.peakTotal());
        ledger.freed(Category.ACTIVATION, "saved x", 64);
        ledger.resetPeaks();
        assertEquals(0, ledger.peakTotal());
        assertEquals(0, ledger.peak(Category.ACTIVATION));
    }

    @Test
    void ownersAtTheTotalPeakAreThoseLiveAtThatMoment() {
        MemoryLedger ledger = new MemoryLedger("test");
        ledger.allocated(Category.PARAMETER, "w", 100);
        ledger.allocated(Category.WORKSPACE, "early", 50);
        assertTrue(ledger.ownersAtPeak().isEmpty(), "not tracked until asked");
        ledger.trackOwnersAtPeak(true);
        ledger.allocated(Category.WORKSPACE, "a", 40);
        ledger.allocated(Category.ACTIVATION, "b", 30);
        ledger.freed(Category.WORKSPACE, "a", 40);
        ledger.allocated(Category.WORKSPACE, "c", 20); // 200 live: below the 220 peak
        var atPeak = ledger.ownersAtPeak();
        assertEquals(java.util.List.of("w", "early", "a", "b"),
                atPeak.stream().map(LedgerSnapshot.OwnerUsage::owner).toList(), "largest first");
        assertEquals(220, atPeak.stream().mapToLong(LedgerSnapshot.OwnerUsage::live).sum());
        ledger.resetPeaks();
        assertEquals(200, ledger.ownersAtPeak().stream().mapToLong(LedgerSnapshot.OwnerUsage::live).sum(),
                "a new window starts from what is live");
    }

    @Test
    void negativeLiveBytesAreABugThatIsReported() {
        MemoryLedger ledger = new MemoryLedger("test");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ledger.freed(Category.GRADIENT, "g", 8));
        assertTrue(e.getMessage().contains("GRADIENT"), e.getMessage());
    }

    @Test
    void timelineReplaysLiveBytesAndRespectsItsCapacity() {
        MemoryLedger ledger = new MemoryLedger("test");
        ledger.mark("step 0");
        ledger.allocated(Category.PARAMETER, "w", 100);
        ledger.allocated(Category.ACTIVATION, "a", 40);
        ledger.freed(Category.ACTIVATION, "a", 40);
        Timeline.Events events = ledger.timeline();
        assertEquals(3, events.size());
        long[][] live = events.liveByCategory();
        assertEquals(100, live[2][Category.PARAMETER.ordinal()]);
        assertEquals(40, live[1][Category.ACTIVATION.ordinal()]);
        assertEquals(0, live[2][Category.ACTIVATION.ordinal()]);
        assertEquals("step 0", events.markers().getFirst().label());
        ledger.timelineCapacity(3);
        ledger.allocated(Category.WORKSPACE, "t", 1);
        assertEquals(3, ledger.timeline().size());
        assertEquals(1, ledger.timeline().dropped());
    }
}

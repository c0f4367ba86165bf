package dev.slimfit.engine;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The ledger's figures at one moment: live and peak bytes per category and in total, and per owner. */
public record LedgerSnapshot(String device, long[] live, long[] peak, long liveTotal, long peakTotal,
                             List<OwnerUsage> owners) {

    /** Live and peak bytes of one owner label within one category. */
    public record OwnerUsage(Category category, String owner, long live, long peak) {
    }

    public long live(Category category) {
        return live[category.ordinal()];
    }

    public long peak(Category category) {
        return peak[category.ordinal()];
    }

    /** Owners of one category, largest peak first. */
    public List<OwnerUsage> owners(Category category) {
        return owners.stream().filter(o -> o.category() == category)
                .sorted(Comparator.comparingLong(OwnerUsage::peak).reversed()).toList();
    }

    /** A fixed-width table: category, live MiB, peak MiB. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %12s %12s%n", "category (" + device + ")", "live MiB", "peak MiB"));
        for (Category c : Category.values()) {
            sb.append(String.format(Locale.ROOT, "%-16s %12.2f %12.2f%n", c, mib(live(c)), mib(peak(c))));
        }
        sb.append(String.format(Locale.ROOT, "%-16s %12.2f %12.2f%n", "TOTAL", mib(liveTotal), mib(peakTotal)));
        return sb.toString();
    }

    public static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}

package dev.slimfit.train.memory;

import dev.slimfit.engine.Category;
import dev.slimfit.engine.LedgerSnapshot;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Groupings of the ledger's per-owner figures. */
public final class LedgerBreakdown {

    private static final Pattern LAYER = Pattern.compile("layer\\.(\\d+)\\.");

    private LedgerBreakdown() {
    }

    /**
     * Peak bytes of a category per encoder layer (owners named {@code ...layer.N....}, keyed {@code layer.NN}) and
     * for everything outside the layers ({@code other}).
     */
    public static Map<String, Long> byLayer(LedgerSnapshot snapshot, Category category) {
        Map<String, Long> byLayer = new TreeMap<>();
        for (LedgerSnapshot.OwnerUsage usage : snapshot.owners(category)) {
            Matcher matcher = LAYER.matcher(usage.owner());
            String key = matcher.find() ? String.format("layer.%02d", Integer.parseInt(matcher.group(1))) : "other";
            byLayer.merge(key, usage.peak(), Long::sum);
        }
        return byLayer;
    }
}

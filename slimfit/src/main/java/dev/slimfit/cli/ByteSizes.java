package dev.slimfit.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes on the command line: a number with an optional unit B, KiB, MiB, GiB (binary) or KB, MB, GB (decimal). */
final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMG]i?B|B)?");

    private ByteSizes() {
    }

    static long parse(String option, String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + ": '" + text + "' is not a size (e.g. 512MiB, 1.5GiB, "
                    + "800MB, 1000000)");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        double multiplier = switch (unit) {
            case "B" -> 1;
            case "KIB" -> 1024;
            case "MIB" -> 1024.0 * 1024;
            case "GIB" -> 1024.0 * 1024 * 1024;
            case "KB" -> 1e3;
            case "MB" -> 1e6;
            case "GB" -> 1e9;
            default -> throw new IllegalArgumentException(option + ": unknown unit " + unit);
        };
        long bytes = (long) (value * multiplier);
        if (bytes <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + text);
        }
        return bytes;
    }
}

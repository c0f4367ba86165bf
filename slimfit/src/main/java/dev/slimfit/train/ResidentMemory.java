package dev.slimfit.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident memory as Linux reports it in /proc/self/status. */
public final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Peak resident set size (VmHWM) in bytes, or -1 where /proc is unavailable. */
    public static long peakBytes() {
        return field("VmHWM:");
    }

    /**
     * Starts a new peak-RSS window: Linux resets VmHWM to the current RSS when "5" is written to
     * /proc/self/clear_refs. Returns false where that is not possible (then VmHWM keeps the whole process's peak).
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Current resident set size (VmRSS) in bytes, or -1. */
    public static long currentBytes() {
        return field("VmRSS:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

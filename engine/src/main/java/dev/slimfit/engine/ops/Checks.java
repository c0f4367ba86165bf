package dev.slimfit.engine.ops;

import dev.slimfit.engine.DType;
import dev.slimfit.engine.Device;
import dev.slimfit.engine.Tensor;

/**
 * Argument validation shared by ops. Every failure names the op and the offending tensors (dtype and shape), and
 * happens before any kernel runs or any output is allocated.
 */
final class Checks {

    private Checks() {
    }

    /** Open, and all on one device; returns that device. Null entries (optional inputs) are skipped. */
    static Device openOnOneDevice(String op, Tensor... tensors) {
        Device device = null;
        Tensor first = null;
        for (Tensor t : tensors) {
            if (t == null) {
                continue;
            }
            t.checkOpen(op);
            if (device == null) {
                device = t.device();
                first = t;
            } else if (t.device() != device) {
                throw new IllegalArgumentException(op + ": tensors on different devices: " + first.describe() + " on "
                        + device.name() + ", " + t.describe() + " on " + t.device().name());
            }
        }
        return device;
    }

    static void dtype(String op, String role, Tensor t, DType expected) {
        if (t.dtype() != expected) {
            throw new IllegalArgumentException(op + ": " + role + " must be " + expected + ", got " + t.describe());
        }
    }

    static void sameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtype mismatch: " + a.describe() + " vs " + b.describe());
        }
    }

    static void sameShape(String op, Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shape mismatch: " + a.describe() + " vs " + b.describe());
        }
    }

    static void rankAtLeast(String op, String role, Tensor t, int rank) {
        if (t.rank() < rank) {
            throw new IllegalArgumentException(op + ": " + role + " must have rank >= " + rank + ", got "
                    + t.describe());
        }
    }

    static void rank(String op, String role, Tensor t, int rank) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + role + " must have rank " + rank + ", got " + t.describe());
        }
    }

    static void fits(String op, String what, long value) {
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + what + " = " + value + " exceeds the kernels' int range");
        }
    }
}

package dev.slimfit.engine.ops;

import dev.slimfit.engine.Shape;
import dev.slimfit.engine.Tensor;

import java.util.ArrayList;
import java.util.List;

/** NumPy-style broadcasting: the result shape of two operands, and the reduction of a gradient back to an operand. */
final class Broadcasting {

    private Broadcasting() {
    }

    /** The broadcast shape of {@code a} and {@code b} (right-aligned; sizes equal or 1), or an error naming op. */
    static Shape shape(String op, Tensor a, Tensor b) {
        int[] x = a.dims();
        int[] y = b.dims();
        int rank = Math.max(x.length, y.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int dx = i - (rank - x.length) >= 0 ? x[i - (rank - x.length)] : 1;
            int dy = i - (rank - y.length) >= 0 ? y[i - (rank - y.length)] : 1;
            if (dx != dy && dx != 1 && dy != 1) {
                throw new IllegalArgumentException(op + ": shapes do not broadcast: " + a.describe() + " vs "
                        + b.describe());
            }
            out[i] = dx == 1 ? dy : dx;
        }
        return Shape.of(out);
    }

    /**
     * True when {@code small} broadcast to {@code full} repeats {@code small} as whole rows: its dims, leading 1s
     * dropped, are a suffix of {@code full}'s. Then the op is a row-broadcast (a bias) of length small.numel().
     */
    static boolean isRowBroadcast(Shape small, Shape full) {
        int[] s = small.toArray();
        int[] f = full.toArray();
        int start = 0;
        while (start < s.length && s[start] == 1) {
            start++;
        }
        int len = s.length - start;
        if (len > f.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s[start + i] != f[f.length - len + i]) {
                return false;
            }
        }
        return true;
    }

    /** Sums {@code g} over the dimensions that broadcasting expanded, giving a tensor of {@code target} shape. */
    static Tensor sumToShape(Tensor g, Shape target) {
        if (g.shape().equals(target)) {
            return g.alias();
        }
        int[] gd = g.dims();
        int[] td = target.toArray();
        int rank = gd.length;
        if (td.length > rank) {
            throw new IllegalArgumentException("sumToShape: " + g.describe() + " cannot reduce to " + target);
        }
        List<Integer> reduced = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            int ti = i - (rank - td.length);
            int t = ti >= 0 ? td[ti] : 1;
            if (t == gd[i]) {
                kept.add(i);
            } else if (t == 1) {
                reduced.add(i);
            } else {
                throw new IllegalArgumentException("sumToShape: " + g.describe() + " cannot reduce to " + target);
            }
        }
        int[] order = new int[rank];
        long reducedSize = 1;
        long keptSize = 1;
        int k = 0;
        for (int axis : reduced) {
            order[k++] = axis;
            reducedSize *= gd[axis];
        }
        for (int axis : kept) {
            order[k++] = axis;
            keptSize *= gd[axis];
        }
        try (Tensor permuted = ViewOps.permute(g, order);
             Tensor dense = permuted.isContiguous() ? permuted.alias() : ViewOps.contiguousCopy(permuted)) {
            Tensor out = Tensor.workspace(g.device(), g.dtype(), target, "sumToShape");
            Checks.fits("sumToShape", "rows", reducedSize);
            Checks.fits("sumToShape", "cols", keptSize);
            g.device().kernels().reductions().sumFirstDim((int) reducedSize, (int) keptSize, dense.segment(),
                    out.segment());
            return out;
        }
    }
}

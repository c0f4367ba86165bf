package dev.slimfit.kernels;

/** How an optimizer update reports the mean relative change {@code |Δw / w|} of a tensor. */
public enum ChangeMetric {
    /** Not computed (the update returns 0). */
    NONE,
    /** Elements whose weight was exactly 0 before the update are left out of the mean; with none left, 0. */
    GUARDED,
    /** Plain IEEE division over every element, as a reference implementation that divides by w would: a zero weight
     * gives ±∞ or NaN. */
    UNGUARDED
}

package dev.slimfit.model.nn;

import dev.slimfit.engine.Names;
import dev.slimfit.engine.Tensor;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Helpers that let model code free each intermediate at its last use. A layer that closes its intermediates only
 * at the end holds all of them at once; when autograd keeps compressed copies (or nothing, for frozen weights), the
 * float32 originals would otherwise sit in the workspace until the layer returns and set the peak.
 */
public final class Intermediates {

    private Intermediates() {
    }

    /** {@code op(input)}, closing {@code input} right after (also when {@code op} throws). */
    public static Tensor consume(Tensor input, UnaryOperator<Tensor> op) {
        try (input) {
            return op.apply(input);
        }
    }

    /** {@code op.get()} with the {@link Names} path set to {@code path}. */
    public static Tensor at(String path, Supplier<Tensor> op) {
        try (Names.Entered n = Names.at(path)) {
            return op.get();
        }
    }
}

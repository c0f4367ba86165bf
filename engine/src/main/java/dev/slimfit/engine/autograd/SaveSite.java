package dev.slimfit.engine.autograd;

/**
 * What an op is about to save for backward, so that a {@link SavePolicy} can choose how to store it.
 *
 * @param kind what the tensor is to the op, one of {@link SaveKinds}
 * @param module the module path ({@link dev.slimfit.engine.Names}) at which the op ran, e.g.
 *     {@code bert.encoder.layer.3.output.dense}
 * @param parameterTrains whether the parameter this save serves requires grad (e.g. a Linear's weight for
 *     {@link SaveKinds#LINEAR_INPUT}, a LayerNorm's gamma for {@link SaveKinds#LAYERNORM_INPUT}); false when the
 *     save serves only the input gradient
 */
public record SaveSite(String kind, String module, boolean parameterTrains) {

    /** The ledger owner label of the saved bytes: {@code module + "." + kind}. */
    public String label() {
        return module.isEmpty() ? kind : module + "." + kind;
    }
}

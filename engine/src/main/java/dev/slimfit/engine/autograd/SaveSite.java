package dev.slimfit.engine.autograd;

/**
 * What an op is about to save for backward, so that a {@link SavePolicy} can choose how to store it.
 *
 * @param kind what the tensor is to the op, one of {@link SaveKinds}
 * @param label the owner label of the saved bytes, e.g. {@code encoder.layer.3.intermediate.gelu.input}
 * @param parameterTrains whether the parameter this save serves requires grad (e.g. a Linear's weight for
 *     {@link SaveKinds#LINEAR_INPUT}, a LayerNorm's gamma for {@link SaveKinds#LAYERNORM_INPUT}); false when the
 *     save serves only the input gradient
 */
public record SaveSite(String kind, String label, boolean parameterTrains) {
}

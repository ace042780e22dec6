# %% [markdown]
# # Experiment: watch training change the weights
#
# This notebook trains a small network to read handwritten digits. It looks at the
# network's weights and its accuracy before training and after, so you can see both change.
#
# Every number, table and picture on this page is the output of a real run of the code
# above it. The code seeds its randomness, so with the same library versions you get the
# same numbers.

# %% [markdown]
# ## Set up
#
# The first cell loads the libraries and sets the run's settings: the seed, the size of
# the hidden layer and the number of epochs.

# %% tags=["remove-cell"]
# Plumbing: the same file runs as a notebook and as a plain script (for the site's checks).
import io
import sys

import matplotlib


def in_notebook():
    """True in Jupyter or Colab (an IPython kernel runs the code)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    return getattr(shell, "kernel", None) is not None


IN_NOTEBOOK = in_notebook()
if not IN_NOTEBOOK:
    matplotlib.use("Agg")  # as a plain script: no windows
matplotlib.rcParams["font.size"] = 14  # large enough to read on a phone


def show_markdown(text):
    """Format text as Markdown in a notebook; print it otherwise."""
    if IN_NOTEBOOK:
        from IPython.display import Markdown, display

        display(Markdown(text))
    else:
        print(text)


def show_chart(fig, alt):
    """Show a chart in a notebook with alt, a text that describes it to readers who
    cannot see it. It is saved with 256 colours, which makes the file far smaller."""
    import matplotlib.pyplot as plt

    if IN_NOTEBOOK:
        from IPython.display import Image, display
        from PIL import Image as Picture

        png = io.BytesIO()
        fig.savefig(png, format="png")
        png.seek(0)
        small = io.BytesIO()
        Picture.open(png).convert("RGB").quantize(256).save(small, format="png", optimize=True)
        display(Image(small.getvalue(), metadata={"alt": alt}))
    plt.close(fig)


# %%
import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 42
HIDDEN_UNITS = 64
SMALL_UNITS = 16  # for the bonus experiment
EPOCHS = 20
LONG_EPOCHS = 60  # the bonus trains the small network longer too

keras.utils.set_random_seed(SEED)  # same numbers on every run
np.set_printoptions(precision=4, suppress=True)


# %% [markdown]
# ## The data
#
# The images are scikit-learn's small handwritten digits. They ship inside scikit-learn,
# so the notebook needs no download and runs the same with or without internet.
#
# The network reads each image as one row of numbers, one per pixel, scaled to lie
# between 0 and 1. The label is the digit the image shows.

# %%
pixels, labels = load_digits(return_X_y=True)
x = pixels.reshape(len(pixels), -1) / pixels.max()
x = x.astype("float32")
side = int(np.sqrt(x.shape[1]))  # the images are square

print(f"images: {len(x)}, each {side}x{side} pixels")
print(f"pixel values: {pixels.min():.0f} to {pixels.max():.0f}")
print(f"scaled to: {x.min():.0f} to {x.max():.0f}")
print(f"inputs per image: {x.shape[1]}")
print(f"labels: {sorted(set(labels.tolist()))}")

# %% [markdown]
# We keep three separate groups of images:
#
# - **training** images change the weights;
# - **validation** images are checked after every epoch, but never train the network;
# - **test** images never train the network and never choose anything about it. We score
#   the network on them before and after training, show some of its guesses on them, and
#   score the bonus network on them too.

# %%
x_rest, x_test, y_rest, y_test = train_test_split(
    x, labels, test_size=0.2, stratify=labels, random_state=SEED
)
x_train, x_val, y_train, y_val = train_test_split(
    x_rest, y_rest, test_size=0.2, stratify=y_rest, random_state=SEED
)
print(f"training images:   {len(x_train)}")
print(f"validation images: {len(x_val)}")
print(f"test images:       {len(x_test)}")

# %% [markdown]
# ## The model
#
# The network has one hidden layer of `HIDDEN_UNITS` units with the ReLU activation. Then
# comes an output layer with one unit per digit. Its softmax activation turns the outputs
# into probabilities, and the guess is the digit with the highest one.
#
# `build_model` makes this design with any number of hidden units. The bonus experiment at
# the end uses it again. The output lists every layer's weights: these are the numbers that
# training will change.

# %%
def build_model(hidden_units):
    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


model = build_model(HIDDEN_UNITS)
for number, layer in enumerate(model.layers, start=1):
    kernel, bias = layer.get_weights()
    inputs, units = kernel.shape
    print(f"layer {number}: {inputs} inputs x {units} units = "
          f"{kernel.size} weights, plus {bias.size} biases")
print(f"numbers training can change: {model.count_params()}")

# %% [markdown]
# ## Before training
#
# The weights start random, so the untrained network can only guess. A random guess
# among ten digits is right about one time in ten.

# %%
loss_before, accuracy_before = model.evaluate(
    x_test, y_test, verbose=0
)
print(f"test loss before training:     {loss_before:.4f}")
print(f"test accuracy before training: {accuracy_before:.4f}")

# %% [markdown]
# The first layer's weights form a table with one row per pixel and one column per
# hidden unit. We keep a copy of it, and print the weights that connect one pixel near
# the centre of the image to the first five hidden units.

# %%
weights_before = model.layers[0].get_weights()[0].copy()
PIXEL = (side // 2) * side + side // 2  # near the centre
row, column = divmod(PIXEL, side)

print("first-layer weights (pixels, units):", weights_before.shape)
print(f"pixel {PIXEL} is at row {row}, column {column}")
print(f"pixel {PIXEL} to units 0-4:", weights_before[PIXEL, :5])

# %% [markdown]
# ## Training
#
# `fit` runs the training loop for `EPOCHS` epochs. After each epoch Keras records the loss
# and the accuracy, on the training images and on the validation images. The table prints
# them. The training columns are means over the epoch's batches, each measured just before
# that batch's update; the validation columns are measured at the end of the epoch.
#
# Why this many epochs? Our data set is small, so each epoch is only a few steps (the first
# line of the output counts them), and the network needs many passes to take enough steps. Look at the table after a few epochs to see that the network is not
# finished yet.

# %%
history = model.fit(
    x_train,
    y_train,
    epochs=EPOCHS,
    batch_size=32,
    validation_data=(x_val, y_val),
    verbose=0,
)
steps_per_epoch = int(np.ceil(len(x_train) / 32))
print(f"steps per epoch: {steps_per_epoch}, in all: {model.optimizer.iterations.numpy()}")

print("epoch  loss    accuracy  val_loss  val_accuracy")
for epoch in range(EPOCHS):
    h = {k: v[epoch] for k, v in history.history.items()}
    print(
        f"{epoch + 1:5d}  {h['loss']:.4f}  {h['accuracy']:.4f}    "
        f"{h['val_loss']:.4f}    {h['val_accuracy']:.4f}"
    )

# %% [markdown]
# The learning curves draw the same table. Watch the validation curves: the weight changes
# made on the training images also help on images the network never trained on.

# %%
epochs = np.arange(1, EPOCHS + 1)
fig, (top, bottom) = plt.subplots(2, 1, figsize=(4.8, 6), sharex=True)
for name, label in [("", "training"), ("val_", "validation")]:
    top.plot(epochs, history.history[name + "loss"], label=label)
    bottom.plot(epochs, history.history[name + "accuracy"],
                label=label)
top.set(title="Loss")
bottom.set(title="Accuracy", xlabel="epoch", ylim=(0, 1))
for ax in (top, bottom):
    ax.legend()
    ax.grid(alpha=0.3)
fig.tight_layout()

curves = history.history
show_chart(fig, alt=(
    f"Two line charts over {EPOCHS} epochs. Loss: training falls from "
    f"{curves['loss'][0]:.2f} to {curves['loss'][-1]:.2f}, validation from "
    f"{curves['val_loss'][0]:.2f} to {curves['val_loss'][-1]:.2f}. Accuracy: training "
    f"rises from {curves['accuracy'][0]:.2f} to {curves['accuracy'][-1]:.2f}, validation "
    f"from {curves['val_accuracy'][0]:.2f} to {curves['val_accuracy'][-1]:.2f}."
))

# %% [markdown]
# ## After training

# %%
loss_after, accuracy_after = model.evaluate(
    x_test, y_test, verbose=0
)
weights_after = model.layers[0].get_weights()[0]
change = weights_after - weights_before

print(f"test loss after training:     {loss_after:.4f}")
print(f"test accuracy after training: {accuracy_after:.4f}")
print(f"pixel {PIXEL} to units 0-4, before:",
      weights_before[PIXEL, :5])
print(f"pixel {PIXEL} to units 0-4, after: ",
      weights_after[PIXEL, :5])

size_before = np.abs(weights_before).mean()
size_after = np.abs(weights_after).mean()
size_change = np.abs(change).mean()
print(f"average size of a weight before: {size_before:.4f}")
print(f"average size of a weight after:  {size_after:.4f}")
print(f"average size of a change:        {size_change:.4f}")

# %% [markdown]
# Did every weight move? Not quite. The weight from a pixel into a hidden unit gets a
# gradient only from images in which that pixel is not blank *and* that unit's ReLU is
# switched on (its output is above zero). A weight whose gradient is zero at every step
# never moves.
#
# Two things give a zero gradient at every step:
#
# - a pixel that is blank in every training image;
# - a **dead ReLU**: a hidden unit whose weighted sum is below zero for every training
#   image. Its output is always zero, so none of its weights gets a gradient. A unit can
#   die during training: a few steps push its weighted sum below zero for every image, and
#   from then on its weights get no gradient. A weight into it whose pixel was blank in
#   every image that switched the unit on before that never moves.
#
# The code counts both, from this run: the blank pixels, the hidden units that are dead
# after training, and how many training images switched those units on before training.

# %%
blank = (x_train == 0).all(axis=0)
moved = change != 0
bias_after = model.layers[0].get_weights()[1]
switched_on = np.maximum(x_train @ weights_after + bias_after, 0) > 0
dead_now = ~switched_on.any(axis=0)  # off for every training image
on_at_start = (x_train @ weights_before > 0).sum(axis=0)  # biases start at 0
unmoved_used = (~moved[~blank]).sum()
into_dead = (~moved[~blank][:, dead_now]).sum()
print("pixels blank in every training image (row, column):")
print([divmod(int(p), side) for p in np.flatnonzero(blank)])
print("weights from blank pixels that moved:",
      f"{moved[blank].sum()} of {moved[blank].size}")
print("weights from other pixels that moved:",
      f"{moved[~blank].sum()} of {moved[~blank].size}")
print("all first-layer weights that moved:  ",
      f"{moved.sum()} of {moved.size}")
print(f"hidden units dead after training (off for every training image): "
      f"{dead_now.sum()} of {HIDDEN_UNITS}")
print("training images that switched each of them on before training:",
      on_at_start[dead_now])
print("unmoved weights from used pixels that lead into dead units:",
      f"{into_dead} of {unmoved_used}")

# %% [markdown]
# The histogram compares all the first-layer weights before and after. They start spread
# evenly over a narrow range (Keras's Glorot uniform start), and training spreads them out.

# %%
both = np.concatenate([weights_before.ravel(), weights_after.ravel()])
bins = np.linspace(both.min(), both.max(), 50)

fig, ax = plt.subplots(figsize=(4.8, 3.4))
ax.hist(weights_before.ravel(), bins=bins, alpha=0.6,
        label="before training")
ax.hist(weights_after.ravel(), bins=bins, alpha=0.6,
        label="after training")
ax.set(title="First-layer weights", xlabel="weight value",
       ylabel="count")
ax.legend()
fig.tight_layout()
show_chart(fig, alt=(
    f"Histogram of the {weights_before.size} first-layer weights. Before "
    f"training they lie evenly between {weights_before.min():.2f} and "
    f"{weights_before.max():.2f}. After training they spread from "
    f"{weights_after.min():.2f} to {weights_after.max():.2f}."
))

# %% [markdown]
# Each hidden unit has one weight per pixel, so its weights can be drawn as a picture the
# size of an image. Red is a positive weight and blue a negative one; each row has its own
# colour scale. The first two rows show four hidden units before and after training, and
# the last row shows the change. In that row the blank pixels have the pale middle colour:
# their weights did not change.

# %%
rows = [("before", weights_before), ("after", weights_after),
        ("change", change)]
UNITS = 4
fig, axes = plt.subplots(3, UNITS, figsize=(4.8, 4.4))
for r, (name, weights) in enumerate(rows):
    limit = np.abs(weights[:, :UNITS]).max()
    for unit in range(UNITS):
        ax = axes[r, unit]
        ax.imshow(weights[:, unit].reshape(side, side),
                  cmap="coolwarm", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[r, 0].set_ylabel(name)
for unit in range(UNITS):
    axes[0, unit].set_title(f"unit {unit}")
fig.tight_layout()
still = (change[:, :UNITS] == 0).all(axis=1).sum()
show_chart(fig, alt=(
    f"Three rows of {side} by {side} pictures, one per hidden unit 0 to "
    f"{UNITS - 1}: its weights before training, after, and the change. In "
    f"the change row, {still} pixels keep the pale middle colour: none of "
    f"their weights into these units moved."
))

# %% [markdown]
# ## Predictions
#
# Here are the first few test images with the trained network's guess. A wrong guess is
# red.

# %%
predicted = model.predict(x_test, verbose=0).argmax(axis=1)

fig, axes = plt.subplots(3, 4, figsize=(4.8, 6))
for i, ax in enumerate(axes.flat):
    ax.imshow(x_test[i].reshape(side, side), cmap="gray_r")
    right_guess = predicted[i] == y_test[i]
    ax.set_title(f"guess {predicted[i]}\n(true {y_test[i]})",
                 color="black" if right_guess else "red")
    ax.axis("off")
fig.tight_layout()
shown = axes.size
misses = [f"guessed {predicted[i]} for a {y_test[i]}"
          for i in range(shown) if predicted[i] != y_test[i]]
show_chart(fig, alt=(
    f"The first {shown} test images, each with the network's guess and the "
    f"true digit. {shown - len(misses)} of {shown} guesses are right"
    + (f"; the wrong ones: {', '.join(misses)}." if misses else ".")
))

wrong = (predicted != y_test).sum()
print(f"wrong guesses on the test images: {wrong} of {len(y_test)}")

# %% [markdown]
# ## Bonus: a smaller hidden layer
#
# Does the network need that many hidden units? Train the same design with fewer
# (`SMALL_UNITS`, set at the top), from the same seed and on the same images, and compare
# the two: their accuracy, and how far training moved their first-layer weights. Then
# train the small network on, up to `LONG_EPOCHS` epochs, to see whether it is less able
# or only slower.

# %%
keras.utils.set_random_seed(SEED)
small = build_model(SMALL_UNITS)
small_start = small.layers[0].get_weights()[0].copy()
small_history = small.fit(
    x_train,
    y_train,
    epochs=EPOCHS,
    batch_size=32,
    validation_data=(x_val, y_val),
    verbose=0,
)
small_loss, small_accuracy = small.evaluate(
    x_test, y_test, verbose=0
)
small_change = np.abs(
    small.layers[0].get_weights()[0] - small_start
).mean()

runs = [
    (HIDDEN_UNITS, model, history, accuracy_after, size_change),
    (SMALL_UNITS, small, small_history, small_accuracy, small_change),
]
print(f"after {EPOCHS} epochs:")
print("hidden  weights  training  validation  test      average")
print("units            accuracy  accuracy    accuracy  change")
for units, m, h, test_accuracy, moved_by in runs:
    print(
        f"{units:6d}  {m.count_params():7d}  "
        f"{h.history['accuracy'][-1]:.4f}    "
        f"{h.history['val_accuracy'][-1]:.4f}      "
        f"{test_accuracy:.4f}    {moved_by:.4f}"
    )

# Train the small network on, from where it stopped.
longer = small.fit(
    x_train,
    y_train,
    epochs=LONG_EPOCHS,
    initial_epoch=EPOCHS,
    batch_size=32,
    validation_data=(x_val, y_val),
    verbose=0,
)
long_loss, long_accuracy = small.evaluate(x_test, y_test, verbose=0)
print(f"{SMALL_UNITS} units after {LONG_EPOCHS} epochs: "
      f"test accuracy {long_accuracy:.4f}")
small_val = small_history.history["val_accuracy"] + longer.history["val_accuracy"]

fig, ax = plt.subplots(figsize=(4.8, 3.4))
ax.plot(epochs, history.history["val_accuracy"],
        label=f"{HIDDEN_UNITS} hidden units")
ax.plot(np.arange(1, LONG_EPOCHS + 1), small_val,
        label=f"{SMALL_UNITS} hidden units")
ax.set(title="Validation accuracy", xlabel="epoch", ylim=(0, 1))
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
show_chart(fig, alt=(
    f"Validation accuracy for two networks. With {HIDDEN_UNITS} hidden units, "
    f"after {EPOCHS} epochs, it ends at {history.history['val_accuracy'][-1]:.2f}. "
    f"With {SMALL_UNITS} it is {small_history.history['val_accuracy'][-1]:.2f} "
    f"after {EPOCHS} epochs and {small_val[-1]:.2f} after {LONG_EPOCHS}."
))

# %% [markdown]
# ## What the run shows
#
# The summary below is written by the code from this run's numbers, not typed by hand.

# %% tags=["hide-input"]
def percent(value):
    return f"{100 * value:.1f}%"


def first_epoch(h, level=0.9):
    """The first epoch whose validation accuracy reached level."""
    reached = np.flatnonzero(np.array(h.history["val_accuracy"]) >= level)
    return int(reached[0]) + 1 if len(reached) else None


unmoved = [
    f"{count} {reason}"
    for count, reason in [
        ((~moved[blank]).sum(), "from pixels blank in every training image"),
        (into_dead, f"from used pixels into the {dead_now.sum()} hidden units "
                    "that died during training (dead ReLUs)"),
        (unmoved_used - into_dead, "from used pixels into other units, "
                                   "which were off whenever an image using the pixel "
                                   "was trained on"),
    ]
    if count
]
if small_accuracy < accuracy_after:
    verdict, compare = f"was behind after {EPOCHS} epochs", "less than"
elif small_accuracy > accuracy_after:
    verdict, compare = f"was ahead after {EPOCHS} epochs", "more than"
else:
    verdict, compare = f"was level after {EPOCHS} epochs", "the same as"
if long_accuracy >= accuracy_after:
    later = (f" Trained on to {LONG_EPOCHS} epochs, it got "
             f"{percent(long_accuracy)}: it was slower, not less able.")
else:
    later = (f" Trained on to {LONG_EPOCHS} epochs, it got "
             f"{percent(long_accuracy)}: still less than the bigger network.")
speed = [first_epoch(history), first_epoch(small_history)]
if None not in speed and speed[0] != speed[1]:
    pace = (
        f" It reached {percent(0.9)} validation accuracy at epoch {speed[1]}, "
        f"where the bigger network needed {speed[0]}."
    )
else:
    pace = ""

show_markdown(
    f"""- **Before training** the network got {percent(accuracy_before)} of the
  test images right. That is close to guessing, because its weights were random.
- **After {EPOCHS} epochs** it got {percent(accuracy_after)} right, and its
  test loss fell from {loss_before:.3f} to {loss_after:.3f}.
- **The weights moved.** A first-layer weight started {size_before:.3f} away
  from zero on average, and training moved it by {size_change:.3f} on average.
  In the smaller network it moved by {small_change:.3f} on average.
- **Not every weight moved.** {(~moved).sum()} of the {moved.size} first-layer
  weights kept their starting value: {"; ".join(unmoved) or "none"}. Their
  gradient was zero at every step.
- **The smaller layer {verdict}.** With {SMALL_UNITS} hidden units
  ({small.count_params()} weights instead of {model.count_params()}) the network
  got {percent(small_accuracy)} of the test images right: {compare} the
  {percent(accuracy_after)} with {HIDDEN_UNITS}.{pace}{later}"""
)

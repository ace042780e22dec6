# Claims: a weight whose gradient is zero at every step never moves, but
# with momentum (SGD with momentum, or Adam) a weight keeps moving for a
# while after its gradient drops to zero.
import keras
import tensorflow as tf

keras.utils.set_random_seed(0)

optimizers = {
    "SGD": lambda: keras.optimizers.SGD(learning_rate=0.1),
    "SGD, momentum 0.9": lambda: keras.optimizers.SGD(
        learning_rate=0.1, momentum=0.9
    ),
    "Adam": lambda: keras.optimizers.Adam(learning_rate=0.001),
}


def run(make, gradients):
    """Start a weight at 1, apply the gradients one by one, list its values."""
    weight, optimizer = tf.Variable(1.0), make()
    values = []
    for gradient in gradients:
        optimizer.apply_gradients([(tf.constant(gradient), weight)])
        values.append(round(float(weight.numpy()), 6))
    return values


print("gradient 1, then 0, 0 (the weight starts at 1):")
for name, make in optimizers.items():
    print(f"  {name:18s}", run(make, [1.0, 0.0, 0.0]))
print("gradient 0 at every step:")
for name, make in optimizers.items():
    print(f"  {name:18s}", run(make, [0.0, 0.0, 0.0]))

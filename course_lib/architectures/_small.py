"""What the small variants share: the ``*_small`` builders train in seconds, on a few hundred steps.

Only the families with batch normalization need anything: ResNet, SENet and Xception. The
published-size builders keep Keras's defaults, as the papers' networks and ``keras.applications``
do.
"""

# Batch-normalization momentum of the small variants. Keras's default, 0.99, averages the batch
# statistics over the last few hundred steps; a network trained for only a few hundred steps would
# keep moving averages that are still mostly their initial values (mean 0, variance 1) and would
# predict poorly in inference mode. 0.9 averages over the last few dozen.
SMALL_BN_MOMENTUM = 0.9

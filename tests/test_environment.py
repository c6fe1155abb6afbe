"""The set-up installs the versions the course is written for."""

from importlib.metadata import version


def test_tensorflow_is_2_21():
    import tensorflow as tf

    assert tf.__version__.startswith("2.21.")


def test_nbgrader_is_0_9_6():
    assert version("nbgrader") == "0.9.6"


def test_keras_is_version_3():
    import keras

    assert keras.__version__.startswith("3.")

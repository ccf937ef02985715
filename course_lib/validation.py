"""Argument checks for every public function of :mod:`course_lib`: one vocabulary, one rule.

The rule: a value of the wrong *type* raises a ``TypeError``, a value of the right type but the
wrong *value* raises a ``ValueError``. Each message names what was given, what was expected and
how to fix the call, e.g. ``strides must be a positive int; received strides=0.``

- An int is an int but not a bool (``True`` is an int in Python, never a size here), and NumPy
  integers (``np.int64(3)``, what indexing an array returns) count as ints.
- A float where an int is expected is a type error, even ``2.0``: sizes are counted, not measured.
- Every check returns the value normalised (a plain ``int``, a tuple, an array), so a caller
  writes ``strides = positive_pair(strides, "strides")`` and uses the result.

Example:
    >>> positive_int(3, "filters")
    3
    >>> positive_int(2.5, "filters")
    Traceback (most recent call last):
    ...
    TypeError: filters must be an int; received filters=2.5. Pass a whole number, e.g. filters=2.
"""

import math
import os
from numbers import Integral, Real

import numpy as np

# Error messages list the divisors of a size (the strides that fit, the groups that divide
# both channel counts) only when finding them is quick; beyond this they name the size instead.
_MOST_DIVISOR_TRIALS = 10**6


def is_int(value):
    """Return whether ``value`` is an int (a NumPy integer counts, a bool does not).

    Example:
        >>> [is_int(v) for v in (3, np.int64(3), True, 3.0)]
        [True, True, False, False]
    """
    return isinstance(value, Integral) and not isinstance(value, (bool, np.bool_))


def _fix_for_int(value, name):
    """Return a hint for an int argument given as something else: round a float, parse a string."""
    if isinstance(value, Real) and not isinstance(value, (bool, np.bool_)) and math.isfinite(value):
        return f" Pass a whole number, e.g. {name}={max(int(value), 1)}."
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return f" Convert the text first, e.g. {name}=int({value!r})."
    return ""


def whole_number(value, name, minimum=0):
    """Return ``value`` as an ``int`` if it is an int >= ``minimum``.

    Example:
        >>> whole_number(np.int32(0), "middle_repeats")
        0
        >>> whole_number(-1, "middle_repeats")
        Traceback (most recent call last):
        ...
        ValueError: middle_repeats must be an int >= 0; received middle_repeats=-1.
    """
    if not is_int(value):
        raise TypeError(f"{name} must be an int; received {name}={value!r}.{_fix_for_int(value, name)}")
    if value < minimum:
        expected = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise ValueError(f"{name} must be {expected}; received {name}={value!r}.")
    return int(value)


def positive_int(value, name):
    """Return ``value`` as an ``int`` if it is an int >= 1: a size, a count, a stride.

    Example:
        >>> positive_int(0, "strides")
        Traceback (most recent call last):
        ...
        ValueError: strides must be a positive int; received strides=0.
    """
    return whole_number(value, name, minimum=1)


def positive_pair(value, name):
    """Return ``(rows, columns)`` from a positive int or a pair of them, as Keras reads ``kernel_size``.

    Example:
        >>> positive_pair(3, "kernel_size"), positive_pair([2, np.int64(3)], "strides")
        ((3, 3), (2, 3))
        >>> positive_pair((2.5, 3.7), "pool_size")
        Traceback (most recent call last):
        ...
        TypeError: pool_size must be an int or a pair of ints (rows, columns); received pool_size=(2.5, 3.7).
    """
    if is_int(value):
        pair = (value, value)
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(map(is_int, value)):
        pair = tuple(value)
    else:
        raise TypeError(
            f"{name} must be an int or a pair of ints (rows, columns); received {name}={value!r}."
        )
    if min(pair) < 1:
        raise ValueError(
            f"{name} must be positive: a window moves at least one pixel and is at least one "
            f"pixel wide; received {name}={value!r}."
        )
    return int(pair[0]), int(pair[1])


def index_pair(value, name):
    """Return ``(i, j)`` if ``value`` is a pair of ints >= 0: a cell of an array, an output unit.

    Example:
        >>> index_pair((1, np.int64(2)), "position")
        (1, 2)
        >>> index_pair((0.5, 1), "position")
        Traceback (most recent call last):
        ...
        TypeError: position must be a pair (row, column) of ints >= 0; received position=(0.5, 1).
    """
    message = f"{name} must be a pair (row, column) of ints >= 0; received {name}={value!r}."
    if not isinstance(value, (tuple, list)) or len(value) != 2 or not all(map(is_int, value)):
        raise TypeError(message)
    if min(value) < 0:
        raise ValueError(message)
    return int(value[0]), int(value[1])


def positive_ints(value, name, length=None, expected=None):
    """Return ``value`` as a tuple of ints >= 1: ``length`` of them, or any number but none.

    ``expected`` replaces the default description in the message ("a sequence of 3 positive ints").

    Example:
        >>> positive_ints([32, 32, 3], "input_shape", length=3)
        (32, 32, 3)
        >>> positive_ints((32, 0, 3), "input_shape", length=3)
        Traceback (most recent call last):
        ...
        ValueError: input_shape must be a sequence of 3 positive ints; received input_shape=(32, 0, 3).
    """
    what = expected or f"a sequence of {'one or more' if length is None else length} positive ints"
    message = f"{name} must be {what}; received {name}={value!r}."
    if not isinstance(value, (tuple, list, np.ndarray)) or np.ndim(value) != 1:
        raise TypeError(message)
    if not all(map(is_int, value)):
        raise TypeError(message)
    if len(value) == 0 or (length is not None and len(value) != length) or min(value) < 1:
        raise ValueError(message)
    return tuple(int(v) for v in value)


def number(value, name, minimum=None, maximum=None, below=None, above=None):
    """Return ``value`` as a ``float`` if it is a finite real number within the bounds given.

    ``minimum`` and ``maximum`` are inclusive, ``below`` and ``above`` exclusive bounds
    (``above=0``: a time, a width).

    Example:
        >>> number(3, "timeout", minimum=0)
        3.0
        >>> number(float("nan"), "scale")
        Traceback (most recent call last):
        ...
        ValueError: scale must be a finite number; received scale=nan.
    """
    if not isinstance(value, Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number; received {name}={value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; received {name}={value!r}.")
    bounds = [f">= {minimum}"] * (minimum is not None) + [f"<= {maximum}"] * (maximum is not None)
    bounds += [f"< {below}"] * (below is not None) + [f"> {above}"] * (above is not None)
    if (
        (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
        or (below is not None and value >= below)
        or (above is not None and value <= above)
    ):
        raise ValueError(f"{name} must be a number {' and '.join(bounds)}; received {name}={value!r}.")
    return float(value)


def rate(value, name):
    """Return ``value`` if it is a number in ``[0, 1)``: a dropout rate, a fraction held out.

    Example:
        >>> rate(0.5, "dropout")
        0.5
        >>> rate(1, "dropout")
        Traceback (most recent call last):
        ...
        ValueError: dropout must be a number in [0, 1); received dropout=1.
    """
    number(value, name)
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1); received {name}={value!r}.")
    return value


def boolean(value, name):
    """Return ``value`` as a ``bool`` if it is ``True`` or ``False`` (a NumPy bool counts).

    A string such as ``'no'`` or a number is refused: ``bool('no')`` is ``True``.

    Example:
        >>> boolean(np.bool_(False), "use_bias")
        False
        >>> boolean("no", "bottlenecks")
        Traceback (most recent call last):
        ...
        TypeError: bottlenecks must be True or False; received bottlenecks='no'.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; received {name}={value!r}.")
    return bool(value)


def one_of(value, name, choices):
    """Return ``value`` if it is one of ``choices``; a value of no choice's type is a ``TypeError``.

    Example:
        >>> one_of("max", "mode", ("max", "average"))
        'max'
        >>> one_of("mean", "mode", ("max", "average"))
        Traceback (most recent call last):
        ...
        ValueError: mode must be one of 'max', 'average'; received mode='mean'.
    """
    listed = ", ".join(map(repr, choices))
    types = tuple({type(choice) for choice in choices})
    if not isinstance(value, types) or isinstance(value, bool) and bool not in types:
        raise TypeError(f"{name} must be one of {listed}; received {name}={value!r}.")
    if value not in choices:
        raise ValueError(f"{name} must be one of {listed}; received {name}={value!r}.")
    return value


def text(value, name):
    """Return ``value`` if it is a non-empty string.

    Example:
        >>> text("cifar10", "name")
        'cifar10'
        >>> text("", "name")
        Traceback (most recent call last):
        ...
        ValueError: name must be a non-empty string; received name=''.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string; received {name}={value!r}.")
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty string; received {name}={value!r}.")
    return value


def instance_of(value, name, kind, expected):
    """Return ``value`` if it is a ``kind`` (a class, or a tuple of classes), else raise a TypeError.

    ``expected`` says in words what to pass, e.g. ``"a grading.Result"``. A bool is refused
    unless ``kind`` names ``bool`` itself (a bool is an int to ``isinstance``).

    Example:
        >>> instance_of([1], "results", (list, tuple), "a list of grading.Result")
        [1]
        >>> instance_of("r", "results", (list, tuple), "a list of grading.Result")
        Traceback (most recent call last):
        ...
        TypeError: results must be a list of grading.Result; received str results='r'.
    """
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise TypeError(f"{name} must be {expected}; received {type(value).__name__} {name}={value!r:.60}.")
    return value


def existing_path(value, name, kind="file"):
    """Return ``value`` as a ``str`` if it names an existing ``kind`` (``"file"`` or ``"folder"``).

    A missing path is a wrong value of the right type: a ``ValueError``.

    Example:
        >>> existing_path("/no/such/place", "path")
        Traceback (most recent call last):
        ...
        ValueError: path must be an existing file; received path='/no/such/place', which does not exist.
    """
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (a str or a pathlib.Path); received {name}={value!r}.")
    path = os.fspath(value)
    exists = os.path.isdir(path) if kind == "folder" else os.path.isfile(path)
    if not exists:
        why = "which is not a " + kind if os.path.exists(path) else "which does not exist"
        raise ValueError(f"{name} must be an existing {kind}; received {name}={value!r}, {why}.")
    return path


def numeric_array(value, name, ndim=None, finite=False):
    """Return ``value`` as a non-empty real NumPy array (bools allowed) of rank ``ndim``.

    ``ndim`` is an int or a tuple of the ranks accepted; ``finite=True`` refuses NaN and inf.

    Example:
        >>> numeric_array([[1, 2], [3, 4]], "image", ndim=(2, 3)).shape
        (2, 2)
        >>> numeric_array(["a", "b"], "image")
        Traceback (most recent call last):
        ...
        TypeError: image must hold numbers; received an array of dtype <U1. Convert it first, e.g. np.asarray(image, dtype=np.float32).
    """
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise TypeError(f"{name} must be an array of numbers; received {name}={value!r}.")
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        raise ValueError(
            f"{name} must be a rectangular array of numbers; its rows have different lengths."
        ) from None
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(
            f"{name} must hold numbers; received an array of dtype {array.dtype}. "
            f"Convert it first, e.g. np.asarray({name}, dtype=np.float32)."
        )
    if np.iscomplexobj(array):
        raise TypeError(f"{name} must be real; received complex dtype {array.dtype}.")
    ranks = (ndim,) if is_int(ndim) else ndim
    if ranks is not None and array.ndim not in ranks:
        expected = " or ".join(map(str, ranks))
        raise ValueError(f"{name} must have {expected} dimensions; received shape {array.shape}.")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; received shape {array.shape}.")
    if finite and not np.isfinite(array).all():
        raise ValueError(
            f"{name} holds NaN or infinite values; replace them first, e.g. np.nan_to_num({name})."
        )
    return array


def divisors(n):
    """Return the divisors of ``n`` in increasing order, or ``None`` if ``n`` is too large to factor quickly.

    For messages that list what would fit; they must not hang on a huge size.

    Example:
        >>> divisors(12), divisors(10**15 + 37)
        ([1, 2, 3, 4, 6, 12], None)
    """
    n = positive_int(n, "n")
    if math.isqrt(n) > _MOST_DIVISOR_TRIALS:
        return None
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    return sorted(set(small) | {n // d for d in small})

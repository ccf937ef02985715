"""The course's terms, with the Korean terms the source notes use.

``GLOSSARY`` maps each English term to ``(Korean term, one-line meaning)``. Notebook 00 shows
it as a table; :func:`korean_to_english` answers "what is 스트라이드 in English?".
"""

from course_lib.validation import text

GLOSSARY = {
    "convolution": (
        "합성곱",
        "sliding a small filter over an image and summing products at each position",
    ),
    "cross-correlation": (
        "교차 상관",
        "convolution without flipping the kernel; what deep-learning layers compute",
    ),
    "filter": ("필터", "the small array of learned weights a convolution slides over its input"),
    "kernel": ("커널", "another name for a filter; Keras stores it as (kh, kw, c_in, c_out)"),
    "feature map": (
        "특성 맵",
        "the output of one filter over the whole image; also called an activation map",
    ),
    "channel": ("채널", "one 2-D slice of an image or feature map, e.g. red, green or blue"),
    "padding": ("패딩", "zeros added around the input so the filter can reach its border"),
    "stride": ("스트라이드", "how many pixels the filter moves between two positions"),
    "pooling": ("풀링", "summarising each small window by its maximum or mean, with no weights"),
    "receptive field": ("수용장", "the part of the input image one unit of a layer can see"),
    "activation function": ("활성화 함수", "the non-linearity applied after a layer, e.g. ReLU"),
    "fully connected layer": (
        "완전 연결 층",
        "a Dense layer: every input connected to every output",
    ),
    "parameter": ("파라미터", "a number the network learns: a weight or a bias"),
    "bias": ("편향", "the learned constant added to each output of a filter or unit"),
    "weight sharing": ("가중치 공유", "one filter's weights reused at every position of the image"),
    "data augmentation": (
        "데이터 증식",
        "training on randomly shifted, flipped or recoloured copies of the images",
    ),
    "overfitting": (
        "과대적합",
        "fitting the training data so closely that new data is predicted worse",
    ),
    "skip connection": ("스킵 연결", "adding a block's input to its output, as in ResNet"),
    "activation map": (
        "활성화 맵",
        "a feature map after the activation function; many texts use the two names alike",
    ),
    "ReLU": ("렐루", "the activation max(0, x): negative values become 0, others pass unchanged"),
    "max pooling": ("최대 풀링", "pooling that keeps the largest value of each window"),
    "average pooling": ("평균 풀링", "pooling that keeps the mean of each window"),
    "global average pooling": (
        "전역 평균 풀링",
        "the mean of each whole feature map: one number per channel",
    ),
    "invariance": (
        "불변성",
        "an output that stays the same when the input shifts a little",
    ),
    "semantic segmentation": (
        "시맨틱 분할",
        "labelling every pixel with the class of the object it belongs to",
    ),
    "batch": ("배치", "the images processed together in one step; Keras layout (N, H, W, C)"),
    "epoch": ("에포크", "one pass over the whole training set"),
    "loss function": ("손실 함수", "the number training makes smaller, e.g. cross-entropy"),
    "cross-entropy": (
        "크로스 엔트로피",
        "the loss of a classifier: minus the log of the probability given to the right class",
    ),
    "gradient descent": (
        "경사 하강법",
        "moving every weight a small step against its gradient to lower the loss",
    ),
    "backpropagation": (
        "역전파",
        "computing the gradient of the loss for every weight, from the output layer back",
    ),
    "dropout": (
        "드롭아웃",
        "switching off a random fraction of units at each training step, against overfitting",
    ),
    "batch normalisation": (
        "배치 정규화",
        "rescaling a layer's outputs with the mean and spread of the current batch",
    ),
    "local response normalisation": (
        "지역 응답 정규화",
        "AlexNet's step in which a strongly active map damps its neighbours at the same pixel",
    ),
    "bottleneck layer": (
        "병목 층",
        "a 1x1 convolution that cuts the number of channels before a costly layer",
    ),
    "inception module": (
        "인셉션 모듈",
        "GoogLeNet's block: 1x1, 3x3 and 5x5 convolutions and pooling side by side, concatenated",
    ),
    "residual unit": (
        "잔차 유닛",
        "a few layers plus a skip connection, so they learn only a correction to their input",
    ),
    "depthwise convolution": (
        "깊이별 합성곱",
        "one 2-D filter per input channel, with no sum across channels",
    ),
    "pointwise convolution": (
        "점별 합성곱",
        "a 1x1 convolution: a dense layer across the channels, applied at every pixel",
    ),
    "depthwise separable convolution": (
        "깊이별 분리 합성곱",
        "a depthwise convolution followed by a pointwise one, as in Xception",
    ),
    "squeeze-and-excitation block": (
        "SE 블록",
        "SENet's block: global pooling, two dense layers and a sigmoid that rescale each channel",
    ),
    "transfer learning": (
        "전이 학습",
        "reusing a network trained on one task as the starting point for another",
    ),
    "fine-tuning": ("미세 조정", "training some layers of a reused network a little further"),
    "intercept": ("절편", "the statistician's name for the bias (편향): the constant term of a weighted sum"),
    "dense layer": ("밀집층", "Keras's name for a fully connected layer: every input connected to every output"),
    "zero padding": (
        "제로 패딩",
        "padding with zeros, as Keras's conv layers pad; it gives the image an artificial dark border",
    ),
    "same padding": (
        "세임 패딩",
        'padding="same": enough zeros that the output has ceil(n / s) rows, the input\'s size at stride 1',
    ),
    "valid padding": ("밸리드 패딩", 'padding="valid": no zeros; only windows that lie wholly inside the input'),
    "softmax": ("소프트맥스", "turning a vector of scores into probabilities: each exp(z) over the sum of all"),
    "logit": ("로짓", "a raw class score, before the softmax turns the scores into probabilities"),
    "local receptive field": (
        "국부 수용장",
        "the small patch of the layer below that one unit is connected to (Hubel and Wiesel, LeCun)",
    ),
    "equivariance": (
        "등변성",
        "an output that moves with the input: shift the image and the feature map shifts the same way",
    ),
    "downsampling": ("다운샘플링", "making a map smaller, by pooling or by a stride larger than 1"),
}


def korean_to_english(korean):
    """Return the English term for a Korean term of the glossary.

    Example:
        >>> korean_to_english("스트라이드")
        'stride'
    """
    korean = text(korean, "korean").strip()
    for english, (term, _) in GLOSSARY.items():
        if term == korean:
            return english
    raise ValueError(
        f"{korean!r} is not in the course glossary; known Korean terms: "
        f"{', '.join(term for term, _ in GLOSSARY.values())}."
    )

"""The course's terms, with the Korean terms the source notes use.

``GLOSSARY`` maps each English term to ``(Korean term, one-line meaning)``. Notebook 00 shows
it as a table; :func:`korean_to_english` answers "what is 스트라이드 in English?".
"""

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
}


def korean_to_english(korean):
    """Return the English term for a Korean term of the glossary.

    Example:
        >>> korean_to_english("스트라이드")
        'stride'
    """
    for english, (term, _) in GLOSSARY.items():
        if term == korean.strip():
            return english
    raise ValueError(
        f"{korean!r} is not in the course glossary; known Korean terms: "
        f"{', '.join(term for term, _ in GLOSSARY.values())}."
    )

"""The named architectures of Part III, one module per family.

Import the family you need (``from course_lib.architectures import resnet``); the package itself
imports nothing heavy. Each module builds the published network (``input_shape`` and ``classes``
default to the paper's) with layer names that make ``model.summary()`` readable, the building
block step by step, and a small variant that trains on the course's offline data in seconds.
The families share their argument checks (``_validate``) and the settings of the small variants
(``_small``: batch normalization's momentum).

| module | networks |
| --- | --- |
| ``lenet`` | LeNet-5 (1998) |
| ``alexnet`` | AlexNet (2012), one tower or the paper's two |
| ``vgg`` | VGG16, VGG19 (2014) |
| ``googlenet`` | GoogLeNet / Inception v1 (2014) |
| ``resnet`` | ResNet-34, ResNet-50 (2015) |
| ``xception`` | Xception (2016) |
| ``senet`` | squeeze-and-excitation blocks, SE-ResNet-50 (2017) |
"""

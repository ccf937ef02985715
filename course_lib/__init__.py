"""course_lib: the small library behind the hands-on CNN course.

Each module holds one idea of the course (``conv``, ``images``, ``datasets``, ``checks``,
``viz``, ...). Importing the package is cheap: nothing here imports TensorFlow; the modules
that need it import it when a function is called.

Every notebook starts with::

    import course_lib
    course_lib.setup()
"""

from course_lib.session import environment_report, setup

__all__ = ["environment_report", "setup"]
__version__ = "0.1.0"

package io.stemtrace;

/** Readable task names for submitted Runnables and Callables that were not given one. */
final class TaskNames {
  private static final ClassValue<String> NAMES =
      new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
          return readable(type.getName());
        }
      };

  private TaskNames() {}

  static String of(Object task) {
    return NAMES.get(task.getClass());
  }

  /**
   * {@code com.acme.Billing$$Lambda$14/0x...} becomes {@code com.acme.Billing.lambda}; {@code $}
   * becomes a dot.
   */
  static String readable(String className) {
    String name = className;
    int lambda = name.indexOf("$$Lambda");
    if (lambda >= 0) name = name.substring(0, lambda) + ".lambda";
    int hidden = name.indexOf('/');
    if (hidden >= 0) name = name.substring(0, hidden);
    return name.replace('$', '.');
  }
}

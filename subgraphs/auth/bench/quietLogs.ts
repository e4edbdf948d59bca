// Imported first by the bench: modules create their loggers on load, and the bench's stdout is
// its figures, so service logs default to warnings and above unless LOG_LEVEL says otherwise.
process.env.LOG_LEVEL ??= 'warn';

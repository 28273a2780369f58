/** Prefixes a message with the field it is about; zod supplies the path itself, so it passes ''. */
export function at(field: string, message: string): string {
  return field ? `${field}: ${message}` : message;
}

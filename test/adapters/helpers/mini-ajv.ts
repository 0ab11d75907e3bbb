/**
 * A small JSON Schema validator for the keywords our XO schemas use (type, enum, anyOf, pattern, minimum, required,
 * properties, items, default), filling defaults as XO's Ajv does (`useDefaults: true`) before checking `required`.
 * Ajv itself is not a dependency of this package; this stands in for it in tests.
 */
type Schema = Record<string, any>

const typeOk = (type: string, value: unknown): boolean =>
  type === 'array'
    ? Array.isArray(value)
    : type === 'object'
      ? typeof value === 'object' && value !== null && !Array.isArray(value)
      : type === 'integer'
        ? Number.isInteger(value)
        : typeof value === type

export function validate(schema: Schema, value: unknown, path = ''): string[] {
  const errors: string[] = []
  if (schema.type !== undefined && !typeOk(schema.type, value)) return [`${path}: must be ${schema.type}`]
  if (schema.enum !== undefined && !schema.enum.includes(value)) errors.push(`${path}: must be one of the enum`)
  if (schema.pattern !== undefined && typeof value === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    errors.push(`${path}: must match ${schema.pattern}`)
  }
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) {
    errors.push(`${path}: must be >= ${schema.minimum}`)
  }
  if (schema.anyOf !== undefined && !schema.anyOf.some((sub: Schema) => validate(sub, value, path).length === 0)) {
    errors.push(`${path}: must match a schema in anyOf`)
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [index, item] of value.entries()) errors.push(...validate(schema.items, item, `${path}[${index}]`))
  }
  if (typeOk('object', value) && schema.properties !== undefined) {
    const object = value as Record<string, unknown>
    for (const [key, sub] of Object.entries(schema.properties as Record<string, Schema>)) {
      if (object[key] === undefined && sub.default !== undefined) object[key] = structuredClone(sub.default)
      if (object[key] !== undefined) errors.push(...validate(sub, object[key], `${path}.${key}`))
    }
    for (const key of schema.required ?? []) if (object[key] === undefined) errors.push(`${path}: must have ${key}`)
  }
  return errors
}

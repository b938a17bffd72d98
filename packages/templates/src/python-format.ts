/**
 * The subset of Python's `str.format` that MedicalGPT's templates rely on: named fields
 * (`{query}`) and doubled braces (`{{` -> `{`). Reproducing the brace rules exactly matters:
 * `deepseekcoder`'s prompt `{{content}}` must come out as the literal `{content}`.
 */
export function pythonFormat(template: string, values: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '{' && template[i + 1] === '{') {
      out += '{';
      i += 2;
    } else if (ch === '}' && template[i + 1] === '}') {
      out += '}';
      i += 2;
    } else if (ch === '{') {
      const close = template.indexOf('}', i);
      if (close < 0) throw new Error(`Single '{' encountered in format string: ${JSON.stringify(template)}`);
      out += lookupField(template, template.slice(i + 1, close), values);
      i = close + 1;
    } else if (ch === '}') {
      throw new Error(`Single '}' encountered in format string: ${JSON.stringify(template)}`);
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

function lookupField(template: string, field: string, values: Readonly<Record<string, string>>): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) {
    throw new Error(
      `Unsupported format field {${field}} in ${JSON.stringify(template)}: only {name} is supported`,
    );
  }
  // Own keys only: `{constructor}` must not find Object's constructor on the prototype.
  const value = Object.hasOwn(values, field) ? values[field] : undefined;
  if (value === undefined) {
    throw new Error(`Format field {${field}} has no value in ${JSON.stringify(template)}`);
  }
  return value;
}

// Renders a template for tests that compare with Go's output: the text, or Go's error
// message after "ERR ".
import { renderTemplate, TemplateError } from '../index.js';
import type { GoValue } from '../value.js';

export function renderOrError(src: string, data: GoValue): string {
  try {
    return renderTemplate(src, { name: 't', file: 't', data }).text;
  } catch (e) {
    if (e instanceof TemplateError) return `ERR ${e.goMessage}`;
    throw e;
  }
}

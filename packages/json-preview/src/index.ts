export { jsonPreview } from './json-preview.js';

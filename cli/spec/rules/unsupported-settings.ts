// Settings the schema accepts that this version does not honour yet: refused, never ignored.
import { unsupportedSettingsIn } from '../../../agent/contract/unsupported-settings.js';
import { error, type SpecRule } from './spec-rule.js';

export const unsupportedSettings: SpecRule = {
  name: 'unsupported',
  check: (spec) => unsupportedSettingsIn(spec, 'spec').map(({ path, message }) => error(path, message, 'key')),
};

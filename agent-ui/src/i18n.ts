import type { i18n as I18n } from 'i18next';
import { createI18n, type Language } from '../../shared-web/i18n.ts';
import { agentEn } from './messages-en.ts';
import { agentNl } from './messages-nl.ts';

export function createAgentI18n(language?: Language): I18n {
  return createI18n({ nl: agentNl, en: agentEn }, language ? { language } : {});
}

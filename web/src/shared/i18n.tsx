import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { en } from './locales/en';
import { ptBR } from './locales/pt-BR';

export type Locale = 'pt-BR' | 'en';
export type MessageKey = keyof typeof ptBR;
export type Messages = Record<MessageKey, string>;

const DICTIONARIES: Record<Locale, Messages> = { 'pt-BR': ptBR, en };
const STORAGE_KEY = 'santana.locale';

function initialLocale(): Locale {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'pt-BR';
  } catch {
    return 'pt-BR';
  }
}

/** Fills `{name}` placeholders. */
export function interpolate(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
}

const I18nContext = createContext<I18n>({
  locale: 'pt-BR',
  setLocale: () => undefined,
  t: (key, vars) => interpolate(ptBR[key], vars),
});

/** pt-BR by default (the team's language); English is a toggle, remembered in this browser. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    document.documentElement.lang = next;
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  const value = useMemo<I18n>(
    () => ({ locale, setLocale, t: (key, vars) => interpolate(DICTIONARIES[locale][key] ?? ptBR[key], vars) }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = () => useContext(I18nContext);

/** A module's own texts: pt-BR, and English with exactly the same keys (the compiler checks). */
export interface ModuleMessages<K extends string> {
  'pt-BR': Record<K, string>;
  en: Record<K, string>;
}

export function defineMessages<K extends string>(messages: ModuleMessages<K>): ModuleMessages<K> {
  return messages;
}

/**
 * Translator for one module's dictionary, e.g. `const t = useModuleMessages(inboxMessages)`, so each
 * feature keeps its texts beside its code instead of in one shared file.
 */
export function useModuleMessages<K extends string>(messages: ModuleMessages<K>) {
  const { locale } = useI18n();
  return useCallback(
    (key: K, vars?: Record<string, string | number>) =>
      interpolate(messages[locale][key] ?? messages['pt-BR'][key], vars),
    [locale, messages],
  );
}

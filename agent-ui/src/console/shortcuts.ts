/** Counter actions an agent can take, each with one key. Shown on the buttons, handled in one place. */
export type CounterAction = 'callNext' | 'recall' | 'start' | 'finish' | 'noShow' | 'transfer' | 'park' | 'pause';

export const shortcutKeys: Record<CounterAction, string> = {
  callNext: 'n',
  recall: 'r',
  start: 's',
  finish: 'f',
  noShow: 'x',
  transfer: 't',
  park: 'k',
  pause: 'p',
};

const byKey = new Map(Object.entries(shortcutKeys).map(([action, key]) => [key, action as CounterAction]));

/**
 * The action a key press asks for, or null. Keys typed into a field, with a modifier (browser and
 * screen-reader shortcuts) or auto-repeated are never actions.
 */
export function actionForKey(
  event: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey' | 'repeat' | 'target'>,
): CounterAction | null {
  if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return null;
  if (isEditable(event.target)) return null;
  return byKey.get(event.key.toLowerCase()) ?? null;
}

function isEditable(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  const tag = element.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (element as HTMLInputElement).type;
    return !['button', 'submit', 'checkbox', 'radio', 'reset'].includes(type);
  }
  // Inside an open dialog the dialog owns the keyboard.
  return element.closest('dialog[open]') !== null;
}

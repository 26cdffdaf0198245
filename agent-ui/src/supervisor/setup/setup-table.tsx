import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Send } from './send.ts';

/**
 * A set-up list as a table: the given column headers, one row per item with its cells, and a last column with a
 * delete button for the items that can be deleted (`deletePath` null: a row without one, e.g. a public holiday).
 */
export function SetupTable<R>({
  headers,
  rows,
  rowKey,
  cells,
  deletePath,
  send,
}: {
  headers: readonly string[];
  rows: readonly R[];
  rowKey: (row: R) => string | number;
  cells: (row: R) => ReactNode;
  deletePath: (row: R) => string | null;
  send: Send;
}) {
  const { t } = useTranslation();
  return (
    <table className="data-table">
      <thead>
        <tr>
          {headers.map((header) => (
            <th scope="col" key={header}>
              {header}
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">{t('agent.admin.delete')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const path = deletePath(row);
          return (
            <tr key={rowKey(row)}>
              {cells(row)}
              <td>
                {path !== null && (
                  <button type="button" className="danger" onClick={() => void send('DELETE', path)}>
                    {t('agent.admin.delete')}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

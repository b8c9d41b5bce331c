import { formatFileSize } from './files';

/** A short badge for the chip: the extension (PNG, PDF), or the media kind when the name has none. */
function fileKind(file: File): string {
  const extension = /\.([a-z0-9]{1,5})$/i.exec(file.name)?.[1];
  return (extension ?? file.type.split('/')[0] ?? '?').toUpperCase();
}

/** The files chosen for the next message, each with its size and a remove button. */
export function AttachmentChips({
  files,
  label,
  removeLabel,
  locale,
  onRemove,
}: {
  files: File[];
  label: string;
  removeLabel(name: string): string;
  locale: string;
  onRemove(index: number): void;
}) {
  if (files.length === 0) return null;
  return (
    <ul className="composer-chips" aria-label={label}>
      {files.map((file, index) => (
        <li key={`${file.name}-${file.size}-${file.lastModified}`} className="composer-chip">
          <span className="chip-kind" aria-hidden="true">
            {fileKind(file)}
          </span>
          <span className="chip-name">{file.name}</span>
          <span className="chip-size muted">{formatFileSize(file.size, locale)}</span>
          <button
            type="button"
            className="chip-remove"
            aria-label={removeLabel(file.name)}
            onClick={() => onRemove(index)}
          >
            <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Upload progress of the files being sent (aria-valuenow for assistive technology and tests). */
export function UploadProgress({ label, names, percent }: { label: string; names: string; percent: number }) {
  return (
    <div className="composer-upload">
      <div
        className="upload-bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% — ${names}`}
      >
        <span style={{ width: `${percent}%` }} />
      </div>
      <span className="upload-text muted">
        {names} · {percent}%
      </span>
    </div>
  );
}

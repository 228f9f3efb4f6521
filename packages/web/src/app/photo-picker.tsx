/**
 * The photo field of a step (report, finding action, task completion): the camera or the gallery,
 * thumbnails drawn on the device, a remove button each, and what the device refused and why.
 */
import { useState } from 'preact/hooks';
import { t } from './i18n';
import { choosePhotos, type PendingPhoto } from './photos';

export function PhotoPicker(props: {
  readonly photos: readonly PendingPhoto[];
  readonly onChange: (photos: PendingPhoto[]) => void;
}) {
  const [refused, setRefused] = useState<string[]>([]);
  const pick = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const chosen = await choosePhotos([...(input.files ?? [])]);
    input.value = '';
    setRefused(chosen.refused);
    props.onChange([...props.photos, ...chosen.photos]);
  };
  return (
    <fieldset class="photos">
      <legend>{t('photo.legend')}</legend>
      <input
        type="file"
        name="photos"
        accept="image/*"
        capture="environment"
        multiple
        aria-label={t('photo.add')}
        onChange={(e) => void pick(e)}
      />
      {props.photos.length > 0 && (
        <ul class="thumbs" data-testid="photo-thumbs">
          {props.photos.map((p, i) => (
            <li key={`${p.name}-${i}`}>
              {p.thumb ? <img src={p.thumb} alt={p.name} /> : <span class="muted">{p.name}</span>}
              <button
                type="button"
                class="link"
                onClick={() => props.onChange(props.photos.filter((_, j) => j !== i))}
              >
                {t('photo.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {refused.map((text) => (
        <p key={text} class="notice error" role="alert">
          {text}
        </p>
      ))}
    </fieldset>
  );
}

/** A row of tabs choosing one view of a page (the field app's findings, the console's queue). */
export function Tabs<V extends string>({
  views,
  current,
  label,
  onSelect,
}: {
  views: readonly V[];
  current: V;
  /** A view's words. */
  label: (view: V) => string;
  onSelect: (view: V) => void;
}) {
  return (
    <div class="tabs" role="tablist">
      {views.map((v) => (
        <button
          key={v}
          type="button"
          role="tab"
          aria-selected={current === v}
          class={current === v ? 'active' : ''}
          onClick={() => onSelect(v)}
        >
          {label(v)}
        </button>
      ))}
    </div>
  );
}

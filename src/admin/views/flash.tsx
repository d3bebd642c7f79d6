/** The notice (role=status) and error (role=alert) lines shown on top of a settings page after an action. */

/** A notice and/or an error; renders nothing when both are absent. */
export function Flash(props: { notice?: string; error?: string }): JSX.Element {
  return (
    <>
      {props.notice ? (
        <p class="notice" role="status" safe>
          {props.notice}
        </p>
      ) : (
        ''
      )}
      {props.error ? (
        <p class="error" role="alert" safe>
          {props.error}
        </p>
      ) : (
        ''
      )}
    </>
  );
}

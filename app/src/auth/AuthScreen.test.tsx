import { fireEvent, render, screen, waitFor } from '@testing-library/react-native';
import { ApiError } from '../api/errors';
import { AuthScreen } from './AuthScreen';
import type { Session } from './session';
import { tokenPayload, webSession } from './sessionTestKit';

function fakeSession(answer: (variables: unknown) => unknown): {
  session: Session;
  sent: unknown[];
} {
  const sent: unknown[] = [];
  const session = webSession(async (_document, variables) => {
    sent.push(variables);
    return answer(variables) as never;
  });
  return { session, sent };
}

describe('AuthScreen', () => {
  it('signs up with email, password and display name, found by their labels', async () => {
    const { session, sent } = fakeSession(() => ({
      signUp: { ...tokenPayload(1, Date.now()), refreshToken: '' },
    }));
    render(<AuthScreen session={session} />);
    fireEvent.press(screen.getByRole('button', { name: 'Create an account' }));
    fireEvent.changeText(screen.getByLabelText('Email'), 'ada@example.com');
    fireEvent.changeText(screen.getByLabelText('Password'), 'correct horse');
    fireEvent.changeText(screen.getByLabelText('Display name'), 'Ada');
    fireEvent.press(screen.getByRole('button', { name: 'Sign up' }));
    await waitFor(() => expect(session.state).toEqual({ status: 'signedIn', userId: 'user-1' }));
    expect(sent).toEqual([
      { input: { email: 'ada@example.com', password: 'correct horse', displayName: 'Ada' } },
    ]);
  });

  it('says plainly what went wrong, per error code', async () => {
    const { session } = fakeSession(() => {
      throw new ApiError('TOO_MANY_ATTEMPTS', 'slow down', { retryAfterSeconds: 30 });
    });
    render(<AuthScreen session={session} />);
    fireEvent.changeText(screen.getByLabelText('Email'), 'ada@example.com');
    fireEvent.changeText(screen.getByLabelText('Password'), 'wrong password');
    fireEvent.press(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('Too many attempts. Try again in 30 seconds.')).toBeTruthy();
  });

  it('checks the fields before asking the server', () => {
    const { session, sent } = fakeSession(() => ({}));
    render(
      <AuthScreen
        session={session}
        notice={{ text: 'Your session has ended. Please log in again.', tone: 'error' }}
      />,
    );
    expect(screen.getByText('Your session has ended. Please log in again.')).toBeTruthy();
    fireEvent.press(screen.getByRole('button', { name: 'Log in' }));
    expect(screen.getByText('Enter your email address.')).toBeTruthy();
    expect(sent).toEqual([]);
  });
});

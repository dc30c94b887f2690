<?php
/**
 * The classic widget: footfall's live box in a sidebar (and, through the Legacy Widget block,
 * in block-based widget areas). It has no title of its own: the box carries one.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Appearance → Widgets → "footfall visitor counter".
 */
class Footfall_Widget extends WP_Widget {

	/**
	 * Registers the widget type.
	 */
	public function __construct() {
		parent::__construct(
			'footfall',
			__( 'footfall visitor counter', 'footfall' ),
			array(
				'classname'                   => 'footfall-widget',
				'description'                 => __( 'Live visitor statistics: online now, today, this week, all-time.', 'footfall' ),
				'customize_selective_refresh' => true,
				'show_instance_in_rest'       => true,
			)
		);
	}

	/**
	 * The saved settings, with defaults.
	 *
	 * @param array $instance Saved settings.
	 * @return array{rows: string[], lang: string, metric: string, theme: string}
	 */
	private function settings( $instance ) {
		$instance = is_array( $instance ) ? $instance : array();
		return array(
			'rows'   => Footfall_Markup::parse_rows( isset( $instance['rows'] ) ? $instance['rows'] : Footfall_Markup::DEFAULT_ROWS ),
			'lang'   => isset( $instance['lang'] ) && in_array( $instance['lang'], Footfall_Options::LANGUAGES, true ) ? $instance['lang'] : 'auto',
			'metric' => isset( $instance['metric'] ) && in_array( $instance['metric'], Footfall_Markup::WIDGET_METRICS, true ) ? $instance['metric'] : 'views',
			'theme'  => isset( $instance['theme'] ) && in_array( $instance['theme'], Footfall_Markup::THEMES, true ) ? $instance['theme'] : 'light',
		);
	}

	/**
	 * Prints the box.
	 *
	 * @param array $args     The sidebar's wrappers.
	 * @param array $instance Saved settings.
	 */
	public function widget( $args, $instance ) {
		if ( ! Footfall_Options::is_configured() ) {
			return;
		}
		// The sidebar's wrappers are the theme's markup; the box is escaped where it is built.
		echo $args['before_widget'] . Footfall_Markup::widget( $this->settings( $instance ) ) . $args['after_widget']; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
	}

	/**
	 * Keeps known values only.
	 *
	 * @param array $new_instance Submitted settings.
	 * @param array $old_instance Saved settings.
	 * @return array
	 */
	public function update( $new_instance, $old_instance ) {
		$new_instance = is_array( $new_instance ) ? $new_instance : array();
		$chosen       = isset( $new_instance['rows'] ) && is_array( $new_instance['rows'] ) ? array_map( 'sanitize_key', $new_instance['rows'] ) : array();
		$settings     = $this->settings(
			array(
				'rows'   => $chosen,
				'lang'   => isset( $new_instance['lang'] ) ? sanitize_key( $new_instance['lang'] ) : 'auto',
				'metric' => isset( $new_instance['metric'] ) ? sanitize_key( $new_instance['metric'] ) : 'views',
				'theme'  => isset( $new_instance['theme'] ) ? sanitize_key( $new_instance['theme'] ) : 'light',
			)
		);
		// Rows keep the box's own order whatever order the boxes were ticked in.
		$settings['rows'] = array_values( array_intersect( Footfall_Markup::ROWS, $settings['rows'] ) );
		return $settings;
	}

	/**
	 * The settings form.
	 *
	 * @param array $instance Saved settings.
	 * @return string
	 */
	public function form( $instance ) {
		$settings = $this->settings( $instance );
		$labels   = array(
			'online'    => __( 'Online now', 'footfall' ),
			'today'     => __( 'Today', 'footfall' ),
			'yesterday' => __( 'Yesterday', 'footfall' ),
			'week'      => __( 'This week', 'footfall' ),
			'month'     => __( 'This month', 'footfall' ),
			'year'      => __( 'This year', 'footfall' ),
			'total'     => __( 'All-time', 'footfall' ),
		);
		?>
		<fieldset>
			<legend><?php esc_html_e( 'Rows', 'footfall' ); ?></legend>
			<?php foreach ( $labels as $row => $label ) : ?>
				<label style="display:block">
					<input type="checkbox" name="<?php echo esc_attr( $this->get_field_name( 'rows' ) ); ?>[]" value="<?php echo esc_attr( $row ); ?>" <?php checked( in_array( $row, $settings['rows'], true ) ); ?>>
					<?php echo esc_html( $label ); ?>
				</label>
			<?php endforeach; ?>
		</fieldset>
		<p>
			<label for="<?php echo esc_attr( $this->get_field_id( 'lang' ) ); ?>"><?php esc_html_e( 'Language', 'footfall' ); ?></label>
			<select id="<?php echo esc_attr( $this->get_field_id( 'lang' ) ); ?>" name="<?php echo esc_attr( $this->get_field_name( 'lang' ) ); ?>">
				<option value="auto" <?php selected( $settings['lang'], 'auto' ); ?>><?php esc_html_e( 'As in the plugin settings', 'footfall' ); ?></option>
				<option value="vi" <?php selected( $settings['lang'], 'vi' ); ?>>Tiếng Việt</option>
				<option value="en" <?php selected( $settings['lang'], 'en' ); ?>>English</option>
			</select>
		</p>
		<p>
			<label for="<?php echo esc_attr( $this->get_field_id( 'metric' ) ); ?>"><?php esc_html_e( 'Figures', 'footfall' ); ?></label>
			<select id="<?php echo esc_attr( $this->get_field_id( 'metric' ) ); ?>" name="<?php echo esc_attr( $this->get_field_name( 'metric' ) ); ?>">
				<option value="views" <?php selected( $settings['metric'], 'views' ); ?>><?php esc_html_e( 'Page views', 'footfall' ); ?></option>
				<option value="visitors" <?php selected( $settings['metric'], 'visitors' ); ?>><?php esc_html_e( 'Visitors', 'footfall' ); ?></option>
			</select>
		</p>
		<p>
			<label for="<?php echo esc_attr( $this->get_field_id( 'theme' ) ); ?>"><?php esc_html_e( 'Theme', 'footfall' ); ?></label>
			<select id="<?php echo esc_attr( $this->get_field_id( 'theme' ) ); ?>" name="<?php echo esc_attr( $this->get_field_name( 'theme' ) ); ?>">
				<option value="light" <?php selected( $settings['theme'], 'light' ); ?>><?php esc_html_e( 'Light', 'footfall' ); ?></option>
				<option value="dark" <?php selected( $settings['theme'], 'dark' ); ?>><?php esc_html_e( 'Dark', 'footfall' ); ?></option>
				<option value="auto" <?php selected( $settings['theme'], 'auto' ); ?>><?php esc_html_e( "Follow the visitor's system", 'footfall' ); ?></option>
			</select>
		</p>
		<?php
		return '';
	}
}

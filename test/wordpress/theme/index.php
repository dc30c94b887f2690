<?php
/**
 * Every page: the posts of the query, then the footer widget area.
 *
 * @package footfall-test-theme
 */

?><!doctype html>
<html <?php language_attributes(); ?>>
<head>
<meta charset="<?php bloginfo( 'charset' ); ?>">
<?php wp_head(); ?>
</head>
<body <?php body_class(); ?>>
<main>
<?php while ( have_posts() ) : ?>
	<?php the_post(); ?>
	<article id="post-<?php the_ID(); ?>">
		<h1><?php the_title(); ?></h1>
		<div class="entry-content"><?php the_content(); ?></div>
	</article>
<?php endwhile; ?>
</main>
<footer id="footer"><?php dynamic_sidebar( 'footer' ); ?></footer>
<?php wp_footer(); ?>
</body>
</html>
